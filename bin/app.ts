import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { BlogApiStack, STAGE_DEFAULTS } from '../lib/blog-api-stack';
import { acknowledgeFindings } from '../lib/nag';

const app = new App();
const stage: unknown = app.node.tryGetContext('stage') ?? 'dev';

if (stage !== 'dev' && stage !== 'prd') {
  throw new Error(`context "stage" must be dev or prd, not "${stage}"`);
}

const defaults = STAGE_DEFAULTS[stage];
const stack = new BlogApiStack(app, `BlogApi-${stage}`, {
  description: `Blog content API, ${stage} stage`,
  config: {
    ...defaults,
    corsOrigins: app.node.tryGetContext('corsOrigins'),
  },
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  },
});

acknowledgeFindings(stack);
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app),
  new ServerlessChecks(app)
);
