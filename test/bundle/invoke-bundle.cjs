// Runs one built function as the Lambda runtime would, in a process of its
// own: loads the handler named like "index.handler" from the asset folder,
// calls it once with an event file, and writes what it returns as JSON to
// file descriptor 3 (stdout stays free for anything the bundle prints).
// The process then exits, which also closes the bundle's MongoDB client.
//
//   node invoke-bundle.cjs <asset folder> <handler> <event file>
const { readFileSync, writeSync } = require('node:fs');
const { join } = require('node:path');

const [folder, handlerName, eventFile] = process.argv.slice(2);
const [file, exported] = handlerName.split('.');
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const name = `bundle-${file}`;
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: name,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
  memoryLimitInMB: '512',
  awsRequestId: event.requestContext?.requestId ?? 'bundle-test',
  logGroupName: `/aws/lambda/${name}`,
  logStreamName: 'bundle-test',
  getRemainingTimeInMillis: () => 10_000,
};

Promise.resolve()
  .then(() => require(join(folder, `${file}.js`))[exported](event, context))
  .then(
    (result) => {
      writeSync(3, JSON.stringify(result ?? null));
      process.exit(0);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    }
  );
