import { join } from 'node:path';
import {
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Tags,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { Stage } from '../src/core/config';
import { corsConfig } from '../src/core/cors';
import { AUTHORIZER_CACHE_SECONDS, type Route, routes } from '../src/routes';
import { BUNDLING } from './bundling';

const ROOT = join(__dirname, '..');

/** What differs between the dev and prd stacks. */
export interface StageConfig {
  stage: Stage;
  /** Comma-separated origins, or "*"; undefined takes the stage default. */
  corsOrigins?: string;
  /** Steady requests a second and burst for the whole stage. */
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
  memorySize: number;
}

/** Sensible defaults per stage; `cdk -c` values override them in bin/. */
export const STAGE_DEFAULTS: Record<Stage, StageConfig> = {
  dev: {
    stage: 'dev',
    throttle: { rateLimit: 20, burstLimit: 40 },
    logRetention: RetentionDays.ONE_WEEK,
    memorySize: 512,
  },
  prd: {
    stage: 'prd',
    throttle: { rateLimit: 100, burstLimit: 200 },
    logRetention: RetentionDays.ONE_MONTH,
    memorySize: 1024,
  },
};

export interface BlogApiStackProps extends StackProps {
  config: StageConfig;
}

/**
 * The blog API for one stage: an HTTP API whose routes each invoke their own
 * function, a Lambda authorizer for admin routes, and the secret that holds
 * the MongoDB Atlas connection string.
 */
export class BlogApiStack extends Stack {
  readonly api: HttpApi;
  readonly functions = new Map<string, NodejsFunction>();
  readonly secret: Secret;
  /** Routes without the authorizer: the public reads. */
  readonly publicRoutes: HttpRoute[] = [];
  /** One role per function, the authorizer's included. */
  readonly roles: Role[] = [];
  readonly stageResource: CfnStage;
  readonly authorizerFunction: NodejsFunction;

  constructor(scope: Construct, id: string, props: BlogApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    const cors = corsConfig(config.stage, config.corsOrigins);

    Tags.of(this).add('project', 'blog-api');
    Tags.of(this).add('stage', config.stage);

    this.secret = new Secret(this, 'MongoUri', {
      secretName: `blog-api/${config.stage}/mongodb-uri`,
      description:
        'MongoDB Atlas connection string (mongodb+srv://...) for the blog API; set its value after the first deploy',
      removalPolicy:
        config.stage === 'prd' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.authorizerFunction = this.lambda(
      'Authorizer',
      'functions/authorizer.ts',
      config,
      true
    );
    const authorizer = new HttpLambdaAuthorizer(
      'AdminKey',
      this.authorizerFunction,
      {
        authorizerName: 'admin-key',
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource: ['$request.header.Authorization'],
        resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_SECONDS),
      }
    );

    this.api = new HttpApi(this, 'Api', {
      apiName: `blog-api-${config.stage}`,
      description: `Blog content API (${config.stage})`,
      createDefaultStage: false,
      ...(cors.allowOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: cors.allowOrigins,
              allowMethods: cors.allowMethods.map(
                (method) =>
                  CorsHttpMethod[method as keyof typeof CorsHttpMethod]
              ),
              allowHeaders: cors.allowHeaders,
              exposeHeaders: cors.exposeHeaders,
              maxAge: Duration.seconds(cors.maxAgeSeconds),
            },
          }
        : {}),
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: config.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTime',
            method: '$context.httpMethod',
            route: '$context.routeKey',
            status: '$context.status',
            length: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          })
        ),
      },
    });

    for (const route of routes as readonly Route[]) {
      const needsDb = route.database !== false;
      const fn = this.lambda(
        pascal(route.operation),
        route.entry,
        config,
        needsDb
      );

      this.functions.set(route.operation, fn);
      const added = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(
          `${pascal(route.operation)}Integration`,
          fn
        ),
        ...(route.auth === 'admin' ? { authorizer } : {}),
      });

      if (route.auth === 'public') {
        this.publicRoutes.push(...added);
      }
    }

    new CfnOutput(this, 'ApiUrl', { value: stage.url });
    new CfnOutput(this, 'MongoUriSecretName', {
      value: this.secret.secretName,
    });
    this.stageResource = stage.node.defaultChild as CfnStage;
  }

  /**
   * One function with its own role and log group. The role may write to
   * that log group and, when the function needs the database, read the
   * connection string secret; it may do nothing else.
   */
  private lambda(
    id: string,
    entry: string,
    config: StageConfig,
    needsDb: boolean
  ): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: config.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${id} function of the blog API (${config.stage})`,
    });

    logGroup.grantWrite(role);
    this.roles.push(role);

    const fn = new NodejsFunction(this, id, {
      entry: join(ROOT, entry),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: config.memorySize,
      timeout: Duration.seconds(10),
      role,
      logGroup,
      tracing: Tracing.ACTIVE,
      bundling: BUNDLING,
      environment: {
        ENV_STATE: config.stage,
        LOG_LEVEL: config.stage === 'prd' ? 'INFO' : 'DEBUG',
        ...(needsDb
          ? {
              MONGODB_URI_SECRET_ID: this.secret.secretArn,
              // Empty on AWS, where the secret is read. It is declared so
              // that `sam local invoke --env-vars` may set a local URI:
              // SAM only passes variables the template declares.
              MONGODB_URI: '',
            }
          : {}),
      },
    });

    if (needsDb) {
      this.secret.grantRead(role);
    }

    return fn;
  }
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
