import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { BlogApiStack, STAGE_DEFAULTS } from '../../lib/blog-api-stack';
import { acknowledgeFindings } from '../../lib/nag';
import { routeKey, routes } from '../../src/routes';

// Bundling is skipped here: these tests look at the template only.
function build(stage: 'dev' | 'prd', corsOrigins?: string) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new BlogApiStack(app, `BlogApi-${stage}`, {
    config: { ...STAGE_DEFAULTS[stage], corsOrigins },
  });

  return { app, stack };
}

function synth(stage: 'dev' | 'prd', corsOrigins?: string) {
  const { app, stack } = build(stage, corsOrigins);

  return { app, stack, template: Template.fromStack(stack) };
}

const { stack, template } = synth('dev');
const functions = template.findResources('AWS::Lambda::Function');
const roleOf = (logicalId: string): string =>
  functions[logicalId]?.Properties.Role['Fn::GetAtt'][0];

describe('BlogApiStack', () => {
  it('creates one function per route plus the authorizer', () => {
    template.resourceCountIs('AWS::Lambda::Function', routes.length + 1);
  });

  it('runs every function on Node.js 22 and arm64', () => {
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
    }
  });

  it('maps every route of the table, and nothing else', () => {
    const keys = Object.values(
      template.findResources('AWS::ApiGatewayV2::Route')
    ).map((route) => route.Properties.RouteKey);

    expect(keys.sort()).toEqual(routes.map(routeKey).sort());
  });

  it('puts the authorizer on admin routes only', () => {
    for (const route of routes) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey(route),
        AuthorizationType: route.auth === 'admin' ? 'CUSTOM' : 'NONE',
      });
    }
  });

  it('configures a simple, briefly cached request authorizer', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 60,
      AuthorizerPayloadFormatVersion: '2.0',
    });
  });

  it('lets each database function read only the connection string secret', () => {
    const secretRef = {
      Ref: stack.getLogicalId(stack.secret.node.defaultChild as never),
    };
    const policies = template.findResources('AWS::IAM::Policy');

    for (const [logicalId, fn] of Object.entries(functions)) {
      const needsDb =
        'MONGODB_URI_SECRET_ID' in (fn.Properties.Environment?.Variables ?? {});
      const statements = Object.values(policies)
        .filter((policy) =>
          policy.Properties.Roles.some(
            (r: { Ref: string }) => r.Ref === roleOf(logicalId)
          )
        )
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
      const secretStatements = statements
        .filter((s) =>
          [s.Action].flat().some((a: string) => a.startsWith('secretsmanager:'))
        )
        .map((s) => ({ ...s, Action: [s.Action].flat().sort() }));

      expect(
        statements
          .flatMap((s) => [s.Action].flat())
          .every((a: string) => !a.includes('*'))
      ).toBe(true);
      expect(secretStatements).toEqual(
        needsDb
          ? [
              {
                Effect: 'Allow',
                Action: [
                  'secretsmanager:DescribeSecret',
                  'secretsmanager:GetSecretValue',
                ],
                Resource: secretRef,
              },
            ]
          : []
      );
    }
  });

  it('gives functions no managed policies', () => {
    for (const role of Object.values(
      template.findResources('AWS::IAM::Role')
    )) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('keeps logs for a week in dev and a month in prd', () => {
    template.allResourcesProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 7,
    });
    synth('prd').template.allResourcesProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 30,
    });
  });

  it('throttles the stage and writes JSON access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: 20,
        ThrottlingBurstLimit: 40,
      },
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
  });

  it('allows any origin in dev and none in prd unless configured', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['*'] }),
    });
    synth('prd').template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.absent(),
    });
    synth('prd', 'https://blog.example').template.hasResourceProperties(
      'AWS::ApiGatewayV2::Api',
      {
        CorsConfiguration: Match.objectLike({
          AllowOrigins: ['https://blog.example'],
        }),
      }
    );
  });

  it('tells the functions where the secret is, never the URI itself', () => {
    for (const fn of Object.values(functions)) {
      const variables = fn.Properties.Environment.Variables;
      expect(variables.MONGODB_URI ?? '').toBe('');
      expect(variables.ENV_STATE).toBe('dev');
    }
  });

  it('passes cdk-nag AwsSolutions and Serverless checks with every finding acknowledged', () => {
    const { app, stack: nagged } = build('prd');
    acknowledgeFindings(nagged);
    Validations.of(app).addPlugins(
      new AwsSolutionsChecks(app),
      new ServerlessChecks(app)
    );

    expect(() => app.synth()).not.toThrow();
  });

  it('fails cdk-nag when a finding is not acknowledged', () => {
    const { app } = build('dev');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).toThrow(/AwsSolutions-SMG4/);
  });
});
