import { lambdaContext } from '../../local/apigw';
import { Logger } from '../../src/core/logger';
import { routeOf } from '../../src/routes';

function capture(run: () => void): { stdout: string[]; stderr: string[] } {
  const out = { stdout: [] as string[], stderr: [] as string[] };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.stdout.push(String(chunk));
      return true;
    }),
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      out.stderr.push(String(chunk));
      return true;
    }),
  ];

  try {
    run();
  } finally {
    for (const spy of spies) {
      spy.mockRestore();
    }
  }

  return out;
}

const context = (id: string) => lambdaContext(routeOf('getArticle'), id);

describe('Logger', () => {
  it('writes one JSON object a line with the invocation attached', () => {
    const logger = new Logger('svc', 'DEBUG');
    logger.startInvocation(context('req-1'));
    logger.appendKeys({ route: 'GET /x' });

    const { stdout } = capture(() => logger.info('hello', { n: 1 }));

    expect(stdout).toHaveLength(1);
    expect(stdout[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(stdout[0] ?? '')).toEqual({
      level: 'INFO',
      message: 'hello',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      service: 'svc',
      function_name: 'local-getArticle',
      function_request_id: 'req-1',
      cold_start: true,
      route: 'GET /x',
      n: 1,
    });
  });

  it('marks only the first invocation as a cold start', () => {
    const logger = new Logger('svc', 'DEBUG');
    logger.startInvocation(context('a'));
    logger.endInvocation();
    logger.startInvocation(context('b'));

    const { stdout } = capture(() => logger.info('second'));

    expect(JSON.parse(stdout[0] ?? '').cold_start).toBe(false);
  });

  it('forgets keys and the invocation when it ends', () => {
    const logger = new Logger('svc', 'DEBUG');
    logger.startInvocation(context('a'));
    logger.appendKeys({ route: 'GET /x' });
    logger.endInvocation();

    const { stdout } = capture(() => logger.info('after'));

    const line = JSON.parse(stdout[0] ?? '');
    expect(line.route).toBeUndefined();
    expect(line.function_request_id).toBeUndefined();
  });

  it('sends warnings and errors to stderr and drops lines below its level', () => {
    const logger = new Logger('svc', 'INFO');

    const out = capture(() => {
      logger.debug('hidden');
      logger.info('shown');
      logger.warn('careful');
      logger.error('broken');
    });

    expect(out.stdout.map((l) => JSON.parse(l).message)).toEqual(['shown']);
    expect(out.stderr.map((l) => JSON.parse(l).message)).toEqual([
      'careful',
      'broken',
    ]);
  });

  it('writes nothing when silent', () => {
    const logger = new Logger('svc', 'SILENT');

    const out = capture(() => logger.error('nothing'));

    expect(out).toEqual({ stdout: [], stderr: [] });
  });
});
