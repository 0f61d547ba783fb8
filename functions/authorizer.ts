import middy from '@middy/core';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { UnauthorizedError } from '../src/core/errors';
import type { AuthorizerContext } from '../src/core/http';
import { LogMessage, logContext, logger } from '../src/core/logger';
import { verifyApiKey } from '../src/models/api-key';

export type AuthorizerResult =
  APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

/**
 * Decides who holds an admin key. A refused key is passed on as a verdict
 * rather than a gateway deny, so the handler can answer with the same 401
 * problem document everywhere; the wrapper refuses anything but admin=true.
 * Errors (such as an unreachable database) are thrown, so API Gateway does
 * not cache them.
 */
export async function authorize(
  event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>
): Promise<AuthorizerResult> {
  const header = event.headers?.authorization ?? event.headers?.Authorization;

  try {
    const admin = await verifyApiKey(header);

    return {
      isAuthorized: true,
      context: { admin: true, key_id: admin.keyId, key_name: admin.name },
    };
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) {
      throw error;
    }

    logger.info(LogMessage.authorizerDenied, { reason: error.message });

    return {
      isAuthorized: true,
      context: { admin: false, reason: error.message },
    };
  }
}

export const handler = middy(authorize).use(logContext());
