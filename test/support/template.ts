/** A resource of a synthesized CloudFormation template. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, unknown>;
}

/** The part of a synthesized template these helpers read. */
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

/** Logical ids and resources of one type. */
export function resourcesOf(
  template: CfnTemplate,
  type: string
): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** The route keys of the template's HTTP API, such as "GET /articles". */
export function templateRouteKeys(template: CfnTemplate): string[] {
  return resourcesOf(template, 'AWS::ApiGatewayV2::Route').map(([, route]) =>
    String(route.Properties?.RouteKey)
  );
}

/** The first `Fn::GetAtt` of an `Arn` anywhere in a value: its logical id. */
function arnTarget(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    return value.map(arnTarget).find((id) => id !== undefined);
  }

  if (value === null || typeof value !== 'object') {
    return undefined;
  }

  const getAtt = (value as Record<string, unknown>)['Fn::GetAtt'];

  if (Array.isArray(getAtt) && getAtt[1] === 'Arn') {
    return String(getAtt[0]);
  }

  return arnTarget(Object.values(value));
}

/** The first `Ref` anywhere in a value. */
function refTarget(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    return value.map(refTarget).find((id) => id !== undefined);
  }

  if (value === null || typeof value !== 'object') {
    return undefined;
  }

  const ref = (value as Record<string, unknown>).Ref;

  return typeof ref === 'string' ? ref : refTarget(Object.values(value));
}

/**
 * The logical id of the function each route key invokes, found the way
 * API Gateway finds it: route target, then integration, then function.
 */
export function routeFunctions(template: CfnTemplate): Map<string, string> {
  const out = new Map<string, string>();

  for (const [, route] of resourcesOf(template, 'AWS::ApiGatewayV2::Route')) {
    const integrationId = refTarget(route.Properties?.Target);
    const integration = integrationId
      ? template.Resources[integrationId]
      : undefined;
    const functionId = arnTarget(integration?.Properties?.IntegrationUri);

    if (functionId) {
      out.set(String(route.Properties?.RouteKey), functionId);
    }
  }

  return out;
}

/** The logical id of the function behind the template's only authorizer. */
export function authorizerFunction(template: CfnTemplate): string {
  const [authorizer, ...more] = resourcesOf(
    template,
    'AWS::ApiGatewayV2::Authorizer'
  );
  const functionId = arnTarget(authorizer?.[1].Properties?.AuthorizerUri);

  if (!functionId || more.length > 0) {
    throw new Error('the template must have exactly one Lambda authorizer');
  }

  return functionId;
}
