import * as shim from '../../lib/shims/whatwg-url';

const URIS = [
  'mongodb://localhost',
  'mongodb://127.0.0.1:27017/blog',
  'mongodb://user:p%40ss%2Fw%3Ard@db.example:27018/blog_dev?authSource=admin',
  'mongodb://a.example:1,b.example:2,c.example/db?replicaSet=rs0&readPreference=secondaryPreferred',
  'mongodb+srv://blog:secret@cluster0.abcde.mongodb.net/blog_prd?retryWrites=true&w=majority&appName=blog',
  'mongodb://[::1]:27017,[fe80::1]:27018/?directConnection=false',
  'mongodb://%C3%BCser:p%C3%A4ss@h%C3%B6st.example/d%C3%B6b',
  'mongodb://u:pw@host/db?authMechanism=SCRAM-SHA-256&tls=true&tlsAllowInvalidHostnames=false',
  'mongodb://host/?maxPoolSize=2&serverSelectionTimeoutMS=3000&MAXIDLETIMEMS=60000',
];

const INVALID = [
  'mongodb://',
  'mongodb://host:99999',
  'http://host',
  'mongodb://u@:pw@host',
];

type Parsed = Record<string, unknown> | { error: string };

function parseWith(useShim: boolean, uri: string): Parsed {
  let result: Parsed = { error: 'not run' };

  jest.isolateModules(() => {
    if (useShim) {
      jest.doMock('whatwg-url', () => shim);
    } else {
      jest.dontMock('whatwg-url');
    }
    const { ConnectionString } = require('mongodb-connection-string-url');
    try {
      const cs = new ConnectionString(uri);
      result = {
        hosts: cs.hosts,
        isSRV: cs.isSRV,
        username: cs.username,
        password: cs.password,
        pathname: cs.pathname,
        params: [...cs.searchParams.entries()],
        caseInsensitive: cs.searchParams.get('maxidletimems'),
        text: cs.toString(),
        redacted: cs.redact().toString(),
      };
    } catch (error) {
      result = { error: (error as Error).name };
    }
  });

  return result;
}

describe('the whatwg-url shim', () => {
  it('replaces the package for the connection string parser', () => {
    let loaded: unknown;

    jest.isolateModules(() => {
      jest.doMock('whatwg-url', () => shim);
      loaded = require('whatwg-url').URL;
    });

    expect(loaded).toBe(globalThis.URL);
    expect(loaded).not.toBe(jest.requireActual('whatwg-url').URL);
  });

  it.each(URIS)('parses %s as whatwg-url does', (uri) => {
    const expected = parseWith(false, uri);

    const actual = parseWith(true, uri);

    expect(actual).toEqual(expected);
    expect(actual).not.toHaveProperty('error');
  });

  it.each(INVALID)('refuses %s as whatwg-url does', (uri) => {
    expect(parseWith(true, uri)).toEqual(parseWith(false, uri));
  });
});
