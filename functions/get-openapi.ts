import { operation } from '../src/core/http';
import { openApiDocument } from '../src/openapi';

/** GET /openapi.json: this API described as OpenAPI 3.1. */
export const handler = operation('getOpenApi', async () => ({
  status: 200,
  body: openApiDocument(),
}));
