/*
 * What a container "does" in the sandbox: its command is interpreted ahead of
 * time into a timeline of log lines and an exit code.
 *
 * Shell scripts (`sh -c`, `bash -c`, ...) get a small POSIX-shell subset:
 * `;`, newlines, `&&`, `||`, pipes (the last command's output wins, except
 * `cat`/`tee` which pass it through), `for`/`while`/`until`/`if`, `{ }`,
 * `( )`, variables and `$((...))`, `$(...)`, `echo`, `printf`, `sleep`,
 * `exit`, `true`, `false`, `test`/`[`, `seq`, `date`, `set -e`, and
 * redirections to /dev/null. Other commands are no-ops that succeed.
 * `sleep infinity` and `tail -f` run until the container is stopped.
 *
 * Because nothing really runs, the whole program is simulated at container
 * start, in simulated seconds; the kubelet then replays it on the clock.
 */

import {
  Node,
  parseScript,
  scanSubstitution,
  ShellSyntaxError,
  Word,
} from './shellSyntax';

/** One line of container output at a simulated time offset (seconds). */
export interface LogStep {
  at: number;
  text: string;
}

/** The simulated behaviour of a container. */
export interface Program {
  lines: LogStep[];
  /** Simulated seconds until the process exits; Infinity = until stopped. */
  duration: number;
  exitCode: number;
}

/** How long an image's default command (or an unknown binary) runs. */
export const DEFAULT_RUN_SECONDS = 2;

const MAX_COMMANDS = 200_000;
const MAX_LINES = 50_000;
const MAX_SECONDS = 30 * 24 * 3600;

// ------------------------------------------------------------------ interpreter

class ExitSignal {
  constructor(readonly code: number) {}
}

class ForeverSignal {}

interface State {
  t: number;
  vars: Map<string, string>;
  status: number;
  errexit: boolean;
  lines: LogStep[];
  pending: string;
  commands: number;
  /** When set, output goes here instead of the log (command substitution, pipes). */
  capture?: string[];
  wallClock: (t: number) => number;
}

function write(state: State, text: string) {
  if (state.capture) {
    state.capture.push(text);
    return;
  }
  const chunks = (state.pending + text).split('\n');
  state.pending = chunks.pop() ?? '';
  for (const line of chunks) {
    state.lines.push({ at: state.t, text: line });
    if (state.lines.length > MAX_LINES) {
      throw new ForeverSignal();
    }
  }
}

function formatDate(ms: number): string {
  // `date` in busybox: "Thu Nov 27 22:12:13 UTC 2026"
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${pad(
    d.getUTCDate(),
  )} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(
    d.getUTCSeconds(),
  )} UTC ${d.getUTCFullYear()}`;
}

/** A tiny integer evaluator for $((...)): + - * / % and parentheses. */
function arithmetic(expr: string, state: State): number {
  const source = expr.replace(
    /\$?\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
    (_m, name) => String(Number(state.vars.get(name) ?? 0) || 0),
  );
  const tokens = source.match(/\d+|[-+*/%()]/g) ?? [];
  let pos = 0;
  // sum := product (('+'|'-') product)*; product := primary (('*'|'/'|'%') primary)*
  function primary(): number {
    const token = tokens[pos++];
    if (token === '(') {
      // eslint-disable-next-line @typescript-eslint/no-use-before-define
      const value = sum();
      pos++;
      return value;
    }
    if (token === '-') {
      return -primary();
    }
    if (token === '+') {
      return primary();
    }
    return Number(token ?? 0);
  }
  function product(): number {
    let value = primary();
    while (tokens[pos] === '*' || tokens[pos] === '/' || tokens[pos] === '%') {
      const op = tokens[pos++];
      const right = primary();
      if (op === '*') {
        value *= right;
      } else if (right === 0) {
        value = 0;
      } else {
        value = op === '/' ? Math.trunc(value / right) : value % right;
      }
    }
    return value;
  }
  function sum(): number {
    let value = product();
    while (tokens[pos] === '+' || tokens[pos] === '-') {
      const op = tokens[pos++];
      value = op === '+' ? value + product() : value - product();
    }
    return value;
  }
  return sum();
}

function lookupVar(name: string, state: State): string {
  switch (name) {
    case '?':
      return String(state.status);
    case '$':
      return '1';
    case '#':
      return '0';
    case '0':
      return 'sh';
    case 'RANDOM':
      return String(Math.floor(Math.random() * 32768));
    case 'SECONDS':
      return String(Math.floor(state.t));
    default:
      return state.vars.get(name) ?? '';
  }
}

function commandSubstitution(script: string, state: State): string {
  const capture: string[] = [];
  const saved = state.capture;
  state.capture = capture;
  try {
    run(parseScript(script), state, false);
  } finally {
    state.capture = saved;
  }
  return capture.join('').replace(/\n+$/, '');
}

function expandText(text: string, state: State): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && text[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (ch !== '$') {
      out += ch;
      continue;
    }
    const next = text[i + 1];
    if (text.startsWith('$((', i)) {
      const end = scanSubstitution(text, i + 1);
      out += String(arithmetic(text.slice(i + 3, end - 2), state));
      i = end - 1;
    } else if (next === '(') {
      const end = scanSubstitution(text, i + 1);
      out += commandSubstitution(text.slice(i + 2, end - 1), state);
      i = end - 1;
    } else if (next === '{') {
      const end = scanSubstitution(text, i + 1);
      const inner = text.slice(i + 2, end - 1);
      const match = /^([A-Za-z_][A-Za-z0-9_]*|[?$#0])(:?[-=+])?(.*)$/s.exec(
        inner,
      );
      if (match) {
        const value = lookupVar(match[1], state);
        const op = match[2];
        if (op && op.endsWith('-')) {
          out += value || expandText(match[3], state);
        } else if (op && op.endsWith('=')) {
          const assigned = value || expandText(match[3], state);
          state.vars.set(match[1], assigned);
          out += assigned;
        } else if (op && op.endsWith('+')) {
          out += value ? expandText(match[3], state) : '';
        } else {
          out += value;
        }
      } else if (inner.startsWith('#')) {
        out += String(lookupVar(inner.slice(1), state).length);
      }
      i = end - 1;
    } else {
      const match = /^([A-Za-z_][A-Za-z0-9_]*|[?$#0-9@*])/.exec(
        text.slice(i + 1),
      );
      if (match) {
        out += lookupVar(match[1], state);
        i += match[1].length;
      } else {
        out += '$';
      }
    }
  }
  return out;
}

/** Expands a word into fields (unquoted expansions are split on whitespace). */
function expandWord(word: Word, state: State): string[] {
  const fields: string[] = [];
  let current = '';
  let hasContent = false;
  for (const part of word.parts) {
    if (part.quote === 'single') {
      current += part.text;
      hasContent = true;
    } else if (part.quote === 'double') {
      current += expandText(part.text, state);
      hasContent = true;
    } else {
      // Unquoted: split on whitespace into separate fields.
      const pieces = expandText(part.text, state).split(/[ \t\n]+/);
      for (let index = 0; index < pieces.length; index++) {
        if (index > 0) {
          if (hasContent || current) {
            fields.push(current);
          }
          current = '';
          hasContent = false;
        }
        current += pieces[index];
        if (pieces[index]) {
          hasContent = true;
        }
      }
    }
  }
  if (hasContent || current) {
    fields.push(current);
  }
  return fields;
}

function parseDuration(arg: string): number {
  if (arg === 'inf' || arg === 'infinity') {
    return Infinity;
  }
  const match = /^(\d+(?:\.\d+)?|\.\d+)([smhd]?)$/.exec(arg);
  if (!match) {
    return NaN;
  }
  const factor = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2]] ?? 1;
  return Number(match[1]) * factor;
}

function unescapeEcho(text: string): string {
  return text
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/\\c[\s\S]*$/, '')
    .replace(/\\\\/g, '\\');
}

/** One pass of a printf format over `values`, starting at `start`. */
function formatOnce(
  format: string,
  values: string[],
  start: number,
): { text: string; used: number } {
  let used = 0;
  const text = unescapeEcho(format).replace(
    /%(-?\d*)([sdif%])/g,
    (_m, width: string, conv: string) => {
      if (conv === '%') {
        return '%';
      }
      const raw = values[start + used++] ?? '';
      const value = conv === 's' ? raw : String(Math.trunc(Number(raw) || 0));
      const w = Number(width);
      return w >= 0 ? value.padStart(w) : value.padEnd(-w);
    },
  );
  return { text, used };
}

function printf(args: string[]): string {
  const [format = '', ...values] = args;
  // Like printf(1), the format is reused until the arguments run out.
  let { text: out, used } = formatOnce(format, values, 0);
  let index = used;
  while (used > 0 && index < values.length) {
    const next = formatOnce(format, values, index);
    out += next.text;
    used = next.used;
    index += used;
  }
  return out;
}

function testExpression(args: string[]): boolean {
  const a = args;
  if (a.length === 0) {
    return false;
  }
  if (a[0] === '!') {
    return !testExpression(a.slice(1));
  }
  if (a.length === 1) {
    return a[0] !== '';
  }
  if (a.length === 2) {
    if (a[0] === '-z') return a[1] === '';
    if (a[0] === '-n') return a[1] !== '';
    return true; // file tests (-f, -d, ...): assume the file exists
  }
  const [left, op, right] = a;
  const l = Number(left);
  const r = Number(right);
  switch (op) {
    case '=':
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case '-eq':
      return l === r;
    case '-ne':
      return l !== r;
    case '-lt':
      return l < r;
    case '-le':
      return l <= r;
    case '-gt':
      return l > r;
    case '-ge':
      return l >= r;
    default:
      return true;
  }
}

function tick(state: State) {
  if (++state.commands > MAX_COMMANDS || state.t > MAX_SECONDS) {
    throw new ForeverSignal();
  }
}

/** Runs a builtin or simulated command; returns its exit status. */
function runCommand(argv: string[], state: State): number {
  const [name, ...args] = argv;
  const base = name.split('/').pop() ?? name;
  switch (base) {
    case 'echo': {
      let newline = true;
      let escapes = false;
      let i = 0;
      while (i < args.length && /^-[neE]+$/.test(args[i])) {
        if (args[i].includes('n')) newline = false;
        if (args[i].includes('e')) escapes = true;
        i++;
      }
      const text = args.slice(i).join(' ');
      write(
        state,
        (escapes ? unescapeEcho(text) : text) + (newline ? '\n' : ''),
      );
      return 0;
    }
    case 'printf':
      write(state, printf(args));
      return 0;
    case 'sleep': {
      const seconds = args.map(parseDuration).reduce((sum, s) => sum + s, 0);
      if (Number.isNaN(seconds) || !args.length) {
        write(state, `sleep: invalid number '${args[0] ?? ''}'\n`);
        return 1;
      }
      if (!Number.isFinite(seconds)) {
        throw new ForeverSignal();
      }
      state.t += seconds;
      return 0;
    }
    case 'exit':
      throw new ExitSignal(args.length ? Number(args[0]) & 255 : state.status);
    case 'true':
    case ':':
      return 0;
    case 'false':
      return 1;
    case 'test':
      return testExpression(args) ? 0 : 1;
    case '[':
      return testExpression(
        args[args.length - 1] === ']' ? args.slice(0, -1) : args,
      )
        ? 0
        : 1;
    case 'seq': {
      // seq LAST | seq FIRST LAST | seq FIRST STEP LAST
      const nums = args.map(Number);
      let [first, step, last] = [1, 1, nums[0]];
      if (nums.length === 2) {
        [first, last] = nums;
      } else if (nums.length >= 3) {
        [first, step, last] = nums;
      }
      const out: string[] = [];
      for (let n = first; step > 0 ? n <= last : n >= last; n += step) {
        out.push(String(n));
        if (out.length > MAX_LINES) break;
      }
      write(state, out.length ? `${out.join('\n')}\n` : '');
      return 0;
    }
    case 'date':
      write(state, `${formatDate(state.wallClock(state.t))}\n`);
      return 0;
    case 'hostname':
      write(state, `${state.vars.get('HOSTNAME') ?? 'localhost'}\n`);
      return 0;
    case 'set':
      for (const arg of args) {
        if (/^-[a-z]*e/.test(arg)) state.errexit = true;
        if (/^\+[a-z]*e/.test(arg)) state.errexit = false;
      }
      if (args[0] === '-o' && args[1] === 'errexit') state.errexit = true;
      return 0;
    case 'export':
    case 'readonly':
    case 'local':
      for (const arg of args) {
        const eq = arg.indexOf('=');
        if (eq > 0) state.vars.set(arg.slice(0, eq), arg.slice(eq + 1));
      }
      return 0;
    case 'tail':
      if (args.includes('-f') || args.includes('-F')) {
        throw new ForeverSignal();
      }
      return 0;
    case 'sh':
    case 'bash':
    case 'ash':
    case 'dash':
    case 'zsh': {
      const script = shellScriptArg(args);
      if (script === undefined) {
        return 0;
      }
      if (/^-\w*e/.test(args[0] ?? '')) state.errexit = true;
      run(parseScript(script), state, false);
      return state.status;
    }
    case 'exec': {
      const status = args.length ? runCommand(args, state) : 0;
      throw new ExitSignal(status);
    }
    default:
      // Anything else (cat, curl, psql, python, ...) is a successful no-op.
      return 0;
  }
}

function run(node: Node, state: State, condition: boolean): void {
  switch (node.kind) {
    case 'list':
      for (const item of node.items) {
        run(item, state, condition);
      }
      return;
    case 'andOr': {
      run(node.first, state, true);
      for (const [op, next] of node.rest) {
        if (
          (op === '&&' && state.status === 0) ||
          (op === '||' && state.status !== 0)
        ) {
          const last = next === node.rest[node.rest.length - 1][1];
          run(next, state, condition || !last);
        }
      }
      checkErrexit(state, condition);
      return;
    }
    case 'pipeline': {
      // Earlier commands feed the last one; only `cat`/`tee` pass it on.
      const capture: string[] = [];
      const saved = state.capture;
      node.commands.slice(0, -1).forEach(command => {
        state.capture = capture;
        try {
          run(command, state, true);
        } finally {
          state.capture = saved;
        }
      });
      const last = node.commands[node.commands.length - 1];
      run(last, state, true);
      if (last.kind === 'simple') {
        const name = expandWord(last.words[0], state)[0];
        if (name === 'cat' || name === 'tee') {
          write(state, capture.join(''));
        }
      }
      if (node.negate) {
        state.status = state.status === 0 ? 1 : 0;
      }
      checkErrexit(state, condition || node.negate);
      return;
    }
    case 'group':
      run(node.body, state, condition);
      return;
    case 'for': {
      const items = node.words
        ? node.words.flatMap(w => expandWord(w, state))
        : [];
      state.status = 0;
      for (const item of items) {
        tick(state);
        state.vars.set(node.name, item);
        run(node.body, state, condition);
      }
      return;
    }
    case 'while':
      state.status = 0;
      for (;;) {
        tick(state);
        run(node.condition, state, true);
        const ok = state.status === 0;
        if (ok === node.until) {
          state.status = 0;
          return;
        }
        const before = state.t;
        const linesBefore = state.lines.length;
        run(node.body, state, condition);
        if (
          state.t === before &&
          state.lines.length === linesBefore &&
          state.commands > MAX_COMMANDS / 2
        ) {
          // A busy loop that neither sleeps nor prints: it spins forever.
          throw new ForeverSignal();
        }
      }
    case 'if':
      for (const [cond, body] of node.branches) {
        run(cond, state, true);
        if (state.status === 0) {
          run(body, state, condition);
          return;
        }
      }
      if (node.otherwise) {
        run(node.otherwise, state, condition);
      } else {
        state.status = 0;
      }
      return;
    case 'simple': {
      tick(state);
      for (const [name, value] of node.assignments) {
        state.vars.set(name, expandWord(value, state).join(' '));
      }
      const argv = node.words.flatMap(w => expandWord(w, state));
      if (!argv.length) {
        state.status = 0;
        return;
      }
      const saved = state.capture;
      if (node.silent) {
        state.capture = [];
      }
      try {
        state.status = runCommand(argv, state);
      } finally {
        state.capture = saved;
      }
      checkErrexit(state, condition);
      return;
    }
    default:
      return;
  }
}

function checkErrexit(state: State, condition: boolean) {
  if (state.errexit && !condition && state.status !== 0) {
    throw new ExitSignal(state.status);
  }
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);

/** The script of `sh [-flags] -c SCRIPT`, or undefined. */
function shellScriptArg(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (/^-[a-z]*c[a-z]*$/.test(args[i])) {
      return args[i + 1] ?? '';
    }
    if (!args[i].startsWith('-')) {
      return undefined;
    }
  }
  return undefined;
}

/** Options for compiling a container's program. */
export interface CompileOptions {
  /** Container environment (`env[].value`), plus HOSTNAME. */
  env?: Record<string, string>;
  /** Wall-clock ms at a simulated offset (for `date`). */
  wallClock?: (simulatedSeconds: number) => number;
}

/**
 * Simulates a container's command + args into a Program.
 */
export function compileProgram(
  command: string[] | undefined,
  args: string[] | undefined,
  options: CompileOptions = {},
): Program {
  const argv = [...(command ?? []), ...(args ?? [])];
  if (!argv.length) {
    return { lines: [], duration: DEFAULT_RUN_SECONDS, exitCode: 0 };
  }
  const state: State = {
    t: 0,
    vars: new Map(Object.entries(options.env ?? {})),
    status: 0,
    errexit: false,
    lines: [],
    pending: '',
    commands: 0,
    wallClock: options.wallClock ?? (() => Date.now()),
  };
  const base = argv[0].split('/').pop() ?? argv[0];
  const known =
    SHELLS.has(base) ||
    [
      'echo',
      'printf',
      'sleep',
      'true',
      'false',
      'exit',
      'seq',
      'date',
      'tail',
    ].includes(base);
  if (!known) {
    return { lines: [], duration: DEFAULT_RUN_SECONDS, exitCode: 0 };
  }
  if (SHELLS.has(base) && shellScriptArg(argv.slice(1)) === undefined) {
    // `sh script.sh` or an interactive shell: nothing the sandbox can read.
    return { lines: [], duration: DEFAULT_RUN_SECONDS, exitCode: 0 };
  }
  let exitCode = 0;
  let duration: number;
  try {
    state.status = runCommand(argv, state);
    exitCode = state.status;
    duration = state.t;
  } catch (e) {
    if (e instanceof ExitSignal) {
      exitCode = e.code;
      duration = state.t;
    } else if (e instanceof ForeverSignal) {
      duration = Infinity;
    } else if (e instanceof ShellSyntaxError) {
      // Say so in the log instead of silently doing something else.
      return {
        lines: [
          {
            at: 0,
            text: `sh: syntax error (sandbox shell subset): ${e.message}`,
          },
        ],
        duration: 0,
        exitCode: 2,
      };
    } else {
      throw e;
    }
  }
  if (state.pending) {
    state.lines.push({ at: state.t, text: state.pending });
  }
  return { lines: state.lines, duration, exitCode };
}
