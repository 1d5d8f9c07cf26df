/*
 * CLI: `yarn workspace @job-assistant/sandbox-cluster start [options]`
 *
 *   --host <ip>           interface (default 127.0.0.1, env SANDBOX_HOST)
 *   --port <n>            port (default 6443, env SANDBOX_PORT)
 *   --seed demo|none      demo data (default none, env SANDBOX_SEED)
 *   --time-scale <x>      multiply simulated delays (default 1, env SANDBOX_TIME_SCALE)
 */
import { startSandboxCluster } from './cluster';
import { SANDBOX_ADMIN_TOKEN } from './seed';

function usage(message?: string): never {
  if (message) {
    process.stderr.write(`sandbox-cluster: ${message}\n`);
  }
  process.stderr.write(
    'usage: sandbox-cluster [--host 127.0.0.1] [--port 6443] [--seed demo|none] [--time-scale 1]\n',
  );
  process.exit(2);
}

function parseArgs(argv: string[]) {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      usage();
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) {
      usage(`unexpected argument ${arg}`);
    }
    const value = match[2] ?? argv[++i];
    if (value === undefined) {
      usage(`--${match[1]} needs a value`);
    }
    values[match[1]] = value;
  }
  return values;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const host = args.host ?? process.env.SANDBOX_HOST ?? '127.0.0.1';
  const port = Number(args.port ?? process.env.SANDBOX_PORT ?? 6443);
  const seed = args.seed ?? process.env.SANDBOX_SEED ?? 'none';
  const timeScale = Number(
    args['time-scale'] ?? process.env.SANDBOX_TIME_SCALE ?? 1,
  );
  for (const key of Object.keys(args)) {
    if (!['host', 'port', 'seed', 'time-scale'].includes(key)) {
      usage(`unknown option --${key}`);
    }
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    usage(`invalid port ${port}`);
  }
  if (seed !== 'demo' && seed !== 'none') {
    usage(`--seed must be demo or none, not ${seed}`);
  }
  if (!(timeScale > 0)) {
    usage(`--time-scale must be a positive number`);
  }

  const cluster = await startSandboxCluster({
    host,
    port,
    seed,
    timeScale,
  });
  process.stdout.write(
    `Sandbox cluster listening on ${cluster.url} (admin token: ${SANDBOX_ADMIN_TOKEN}, seed: ${seed}, time scale: ${timeScale}) - development and tests only\n`,
  );

  let stopping = false;
  const shutdown = () => {
    if (stopping) {
      return;
    }
    stopping = true;
    cluster.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch(error => {
  process.stderr.write(`sandbox-cluster: ${error?.stack ?? error}\n`);
  process.exit(1);
});
