import { Validations } from 'aws-cdk-lib';
import type { BlogApiStack } from './blog-api-stack';

/**
 * cdk-nag findings this design accepts, each with its reason, attached to
 * the narrowest construct that carries them. Anything not listed here fails
 * synthesis and the stack tests.
 */
export function acknowledgeFindings(stack: BlogApiStack): void {
  for (const fn of stack.functions.values()) {
    acknowledgeRuntime(Validations.of(fn));
  }

  acknowledgeRuntime(Validations.of(stack.authorizerFunction));

  for (const role of stack.roles) {
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only xray:PutTraceSegments and xray:PutTelemetryRecords use "*": X-Ray offers no resource-level permissions. Logs and the secret are granted by ARN.',
    });
  }

  for (const route of stack.publicRoutes) {
    Validations.of(route).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG4',
      reason:
        'Public reads (articles, categories, the OpenAPI document and docs) are open by design; they check an admin key themselves when one is sent.',
    });
  }

  Validations.of(stack.secret).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'The secret holds a MongoDB Atlas connection string; its credentials are rotated in Atlas, then the new string is stored here.',
  });
}

function acknowledgeRuntime(validations: Validations): void {
  validations.acknowledge(
    {
      id: 'AwsSolutions::AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the design pins and the bundles target; moving to a newer runtime is a deliberate change, not a default.',
    },
    {
      id: 'Serverless::Serverless-LambdaLatestVersion',
      reason: 'Same as AwsSolutions-L1: Node.js 22 is pinned on purpose.',
    },
    {
      id: 'Serverless::Serverless-LambdaDLQ',
      reason:
        'API Gateway invokes every function synchronously and the caller sees the error; a dead-letter queue only applies to asynchronous invocations.',
    }
  );
}
