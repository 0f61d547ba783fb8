// Prepares `sam local invoke` against the synthesized template: writes
// env.json with a local MongoDB URI for every function, and prints the
// command that invokes each one with its sample event. Synthesize first:
// `npx cdk synth -c stage=dev`.
//
//   npx tsx scripts/sam-env.ts [dev|prd]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
const CDK_OUT = join(ROOT, 'cdk.out');

interface Resource {
  Type: string;
  Properties?: {
    Environment?: { Variables?: Record<string, unknown> };
  };
  Metadata?: Record<string, unknown>;
}

interface Template {
  Resources: Record<string, Resource>;
}

/** A Lambda function of the template and the sample event that suits it. */
interface LocalFunction {
  logicalId: string;
  event: string | undefined;
}

function readStage(arg: string | undefined): 'dev' | 'prd' {
  const stage = arg ?? 'dev';

  if (stage !== 'dev' && stage !== 'prd') {
    throw new Error(`the stage must be dev or prd, not "${stage}"`);
  }

  return stage;
}

function readTemplate(path: string, stage: string): Template {
  if (!existsSync(path)) {
    throw new Error(
      `${relative(ROOT, path)} is missing: run \`npx cdk synth -c stage=${stage}\` first`
    );
  }

  return JSON.parse(readFileSync(path, 'utf8')) as Template;
}

function functionsOf(template: Template): LocalFunction[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([logicalId, resource]) => {
      // The construct path is "<stack>/<construct id>/Resource", and the
      // construct id is the operation name with a capital (or "Authorizer").
      const path = String(resource.Metadata?.['aws:cdk:path'] ?? '');
      const name = path.split('/')[1] ?? logicalId;
      const event = join(
        'events',
        `${name.charAt(0).toLowerCase()}${name.slice(1)}.json`
      );

      return {
        logicalId,
        event: existsSync(join(ROOT, event)) ? event : undefined,
      };
    });
}

function main(): void {
  const stage = readStage(process.argv[2]);
  const templatePath = join(CDK_OUT, `BlogApi-${stage}.template.json`);
  const template = readTemplate(templatePath, stage);
  const functions = functionsOf(template);
  const uri =
    process.env.MONGODB_URI?.trim() ||
    `mongodb://host.docker.internal:27017/blog_${stage}`;
  const env = Object.fromEntries(
    functions.map((fn) => [
      fn.logicalId,
      // An empty secret id lets the local URI win over Secrets Manager.
      { MONGODB_URI: uri, ENV_STATE: stage, MONGODB_URI_SECRET_ID: '' },
    ])
  );
  writeFileSync(join(ROOT, 'env.json'), `${JSON.stringify(env, null, 2)}\n`);
  console.log(`wrote env.json for ${functions.length} functions (${stage})`);
  console.log(
    [
      '',
      'Start a MongoDB the container can reach first. On Linux,',
      'host.docker.internal needs the --add-host option; elsewhere drop it.',
      'Invoke a function in Docker with:',
      '',
    ].join('\n')
  );

  for (const fn of functions) {
    console.log(
      [
        `sam local invoke ${fn.logicalId}`,
        `-t ${relative(ROOT, templatePath)}`,
        ...(fn.event ? [`-e ${fn.event}`] : []),
        '--env-vars env.json',
        '--add-host host.docker.internal:host-gateway',
      ].join(' ')
    );
  }
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
