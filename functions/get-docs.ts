import { operation } from '../src/core/http';
import { docsContentSecurityPolicy, renderDocsPage } from '../src/docs-page';
import { openApiDocument } from '../src/openapi';

// The page depends only on the code, so a container renders it once.
const html = renderDocsPage(openApiDocument());
const policy = docsContentSecurityPolicy(html);

/** GET /docs: the API reference as a page for people. */
export const handler = operation('getDocs', async () => ({
  status: 200,
  text: { contentType: 'text/html; charset=utf-8', value: html },
  // Replaces the default policy, which would block the page's own style.
  headers: { 'content-security-policy': policy },
}));
