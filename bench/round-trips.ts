import type { CommandStartedEvent, Log } from 'mongodb';
import { getClient } from '../src/core/db';
import type { OperationName } from '../src/routes';
import { table } from './format';
import {
  type Call,
  invoke,
  leaveDatabase,
  loadHandler,
  useDatabase,
} from './lambda';
import type { BenchContext, BenchReport, Figure } from './types';

const DATABASE = 'bench_round_trips';

// Sent by the driver itself, not by an operation: server monitoring and
// session clean-up.
const IGNORED = new Set(['hello', 'isMaster', 'ismaster', 'endSessions']);

// Commands a warm request must never send: they belong to start-up.
const START_UP = new Set(['createIndexes', 'listIndexes', 'ping']);

/** One operation measured on a warm container. */
interface Step {
  label: string;
  operation: OperationName;
  call: Call;
  status: number;
  /** Round trips allowed. */
  allowed: number;
  /** Whether the issue sets a goal for it, or it is shown for interest. */
  goal: boolean;
}

const TITLE = 'Round Trip Article';
const SLUG = 'round-trip-article';
const BODY = {
  main_title: TITLE,
  summary: 'An article the round-trip benchmark writes.',
  content: 'A few words of content.',
  category: ['bench'],
};

const STEPS: Step[] = [
  {
    label: 'create',
    operation: 'createArticle',
    call: { body: BODY, admin: true },
    status: 201,
    allowed: 1,
    goal: true,
  },
  {
    label: 'create, derived slug taken',
    operation: 'createArticle',
    call: { body: BODY, admin: true },
    status: 201,
    allowed: 2,
    goal: true,
  },
  {
    label: 'publish',
    operation: 'publishArticle',
    call: { params: { slug: SLUG }, admin: true },
    status: 200,
    allowed: 1,
    goal: true,
  },
  {
    label: 'get',
    operation: 'getArticle',
    call: { params: { slug: SLUG } },
    status: 200,
    allowed: 1,
    goal: true,
  },
  {
    label: 'list',
    operation: 'listArticles',
    call: {},
    status: 200,
    allowed: 1,
    goal: true,
  },
  {
    label: 'update',
    operation: 'updateArticle',
    call: {
      params: { slug: SLUG },
      body: { summary: 'A changed summary.' },
      admin: true,
    },
    status: 200,
    allowed: 1,
    goal: true,
  },
  {
    label: 'unpublish',
    operation: 'unpublishArticle',
    call: { params: { slug: SLUG }, admin: true },
    status: 200,
    allowed: 1,
    goal: false,
  },
  {
    label: 'list categories',
    operation: 'listCategories',
    call: {},
    status: 200,
    allowed: 1,
    goal: false,
  },
  {
    label: 'delete',
    operation: 'deleteArticle',
    call: { params: { slug: SLUG }, admin: true },
    status: 204,
    allowed: 1,
    goal: true,
  },
];

export interface RoundTripsResult extends BenchReport {
  /** Command names each warm operation sent, in order. */
  commands: Record<string, string[]>;
  /** Command names the first (cold) request sent. */
  coldCommands: string[];
}

/**
 * Counts the database commands each operation sends on a warm container,
 * through the wrapped handlers, with the driver's command monitoring.
 */
export async function roundTrips(
  _ctx: Pick<BenchContext, 'log'>
): Promise<RoundTripsResult> {
  const cold: string[] = [];

  // Listeners can only be attached once the client exists, after the first
  // request; the driver's command log records that first request.
  await useDatabase(DATABASE, {
    monitorCommands: true,
    mongodbLogPath: {
      write: (entry: Log) => {
        if (entry.message === 'Command started') {
          cold.push(String(entry.commandName));
        }
      },
    },
    mongodbLogComponentSeverities: { command: 'debug' },
  });

  try {
    return await measure(cold);
  } finally {
    await leaveDatabase();
  }
}

async function measure(cold: string[]): Promise<RoundTripsResult> {
  await invoke(
    await loadHandler('createArticle'),
    'createArticle',
    { body: { ...BODY, main_title: 'Warm-up Article' }, admin: true },
    201
  );

  const coldCommands = cold.filter((name) => !IGNORED.has(name));
  const client = await getClient();
  let seen: string[] = [];
  const listener = (event: CommandStartedEvent) => {
    if (!IGNORED.has(event.commandName)) {
      seen.push(event.commandName);
    }
  };

  client.on('commandStarted', listener);

  const commands: Record<string, string[]> = {};

  try {
    for (const step of STEPS) {
      const handler = await loadHandler(step.operation);
      seen = [];
      await invoke(handler, step.operation, step.call, step.status);
      commands[step.label] = seen;
    }
  } finally {
    client.off('commandStarted', listener);
  }

  return report(commands, coldCommands);
}

function report(
  commands: Record<string, string[]>,
  coldCommands: string[]
): RoundTripsResult {
  const figures: Figure[] = STEPS.map((step) => {
    const sent = commands[step.label] ?? [];
    const met = sent.length <= step.allowed && sent.length > 0;

    return {
      name: `5. Round trips, ${step.label}`,
      measurement: `${sent.length} (${sent.join(', ') || 'none'})`,
      baseline: '1 (one driver command)',
      ratio: `${sent.length}x`,
      goal: step.goal
        ? step.allowed === 1
          ? '1'
          : `≤ ${step.allowed}`
        : 'no goal; shown for interest',
      ...(step.goal ? { met } : {}),
      ...(step.goal && !met
        ? {
            why: `${step.label} sent ${sent.length} commands (${sent.join(', ') || 'none'}) where ${step.allowed} is the goal; each is a separate round trip to the server.`,
          }
        : {}),
    };
  });
  const warmStartUp = Object.values(commands)
    .flat()
    .filter((name) => START_UP.has(name));
  const coldStartUp = coldCommands.filter((name) => START_UP.has(name));
  const total = Object.values(commands).flat().length;
  const clean = warmStartUp.length === 0;

  figures.push({
    name: '5. Start-up commands on warm requests',
    measurement: `${warmStartUp.length} of ${total} commands`,
    baseline: `first request: ${coldStartUp.length} (${summarize(coldStartUp)})`,
    ratio: `${warmStartUp.length} vs ${coldStartUp.length}`,
    goal: '0 createIndexes, listIndexes or ping',
    met: clean,
    ...(clean ? {} : { why: `Warm requests sent ${summarize(warmStartUp)}.` }),
  });

  return {
    name: 'round-trips',
    title: 'Round trips per operation',
    figures,
    details: [
      "Commands counted with `commandStarted` on the handlers' client",
      '(`monitorCommands: true`), after one request has warmed the',
      'container; `hello`, `isMaster` and `endSessions` are ignored. The',
      "first request's commands come from the driver's command log, since",
      'no listener can be attached before the client exists.',
      '',
      ...table(
        ['operation', 'round trips', 'commands'],
        [
          [
            'first request (cold: a create)',
            String(coldCommands.length),
            coldCommands.join(', '),
          ],
          ...STEPS.map((step) => {
            const sent = commands[step.label] ?? [];
            return [step.label, String(sent.length), sent.join(', ')];
          }),
        ]
      ),
    ],
    commands,
    coldCommands,
  };
}

/** "listIndexes, createIndexes ×3" from a list of command names. */
function summarize(names: string[]): string {
  const counts = new Map<string, number>();

  for (const name of names) {
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }

  return (
    [...counts.entries()]
      .map(([name, n]) => (n > 1 ? `${name} ×${n}` : name))
      .join(', ') || 'none'
  );
}
