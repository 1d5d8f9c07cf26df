/*
 * What a container "does" in the sandbox: nothing runs, its command is simulated ahead of time
 * into a timeline of log lines and an exit code, which the kubelet replays on the scaled clock.
 *
 * `sh -c SCRIPT` (or bash, ash, dash) runs SCRIPT in the part of the POSIX shell that the demo's
 * and the tests' containers use: commands separated by `;` or newlines; words with '…' and "…"
 * quoting; `$NAME`, `${NAME}`, `$(command)` and `$((arithmetic))`; `NAME=value`;
 * `for NAME in WORDS; do …; done`; `if …; then …; [else …;] fi`; `>&2` (stderr is logged like
 * stdout); and the commands `echo`, `sleep SECONDS`, `exit [N]`, `true`, `false`, `test` / `[`
 * (`-z`, `-n`, `=`, `!=`) and `seq [FIRST] LAST`. Other commands are not found (127), as in a
 * busybox image. Anything outside the subset logs `sh: … (sandbox shell subset)` and exits 2.
 * Any other container command (or none: the image's default, or `sh FILE`) runs 2 s, exits 0 and
 * logs nothing.
 */

/** One line of container output at a simulated time offset (seconds). */
export interface LogStep {
  at: number;
  text: string;
}

/** The simulated behaviour of a container. */
export interface Program {
  lines: LogStep[];
  /** Simulated seconds until the process exits. */
  duration: number;
  exitCode: number;
}

/** How long an image's default command (or any command but a shell's) runs. */
export const DEFAULT_RUN_SECONDS = 2;

const SHELLS = ['sh', 'bash', 'ash', 'dash'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = ['do', 'done', 'then', 'else', 'fi', 'elif', 'in'];
const UNSUPPORTED_KEYWORDS = ['while', 'until', 'case', 'esac', 'function'];

/** A script outside the subset (found while parsing or running it). */
class ShellSyntaxError extends Error {}

class Exit {
  constructor(readonly code: number) {}
}

// ------------------------------------------------------------------ syntax

interface Part {
  text: string;
  quote: 'none' | 'single' | 'double';
}
type Word = Part[];
type Token = { word: Word } | { separator: true };

type Node =
  | { kind: 'simple'; assignments: Array<[string, Word]>; words: Word[] }
  | { kind: 'for'; name: string; words: Word[]; body: Node[] }
  | { kind: 'if'; condition: Node[]; then: Node[]; otherwise?: Node[] };

/** The index after the expansion starting with the `$` at `start`. */
function expansionEnd(src: string, start: number): number {
  if (src[start + 1] === '(') {
    let depth = 0;
    for (let i = start + 1; i < src.length; i++) {
      if (src[i] === '(') depth++;
      if (src[i] === ')' && --depth === 0) return i + 1;
    }
    throw new ShellSyntaxError('unterminated $(');
  }
  if (src[start + 1] === '{') {
    const end = src.indexOf('}', start);
    if (end < 0 || !NAME.test(src.slice(start + 2, end))) {
      throw new ShellSyntaxError(`only \${NAME} is supported`);
    }
    return end + 1;
  }
  if (/[?$#!@*0-9-]/.test(src[start + 1] ?? '')) {
    throw new ShellSyntaxError(`$${src[start + 1]} is not supported`);
  }
  const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(start + 1));
  return start + 1 + (name ? name[0].length : 0);
}

function lex(src: string): Token[] {
  const tokens: Token[] = [];
  let word: Word | undefined;
  const add = (text: string, quote: Part['quote']) => {
    const last = word?.[word.length - 1];
    if (last?.quote === quote) last.text += text;
    else (word ??= []).push({ text, quote });
  };
  const endWord = () => {
    if (word) tokens.push({ word });
    word = undefined;
  };
  for (let i = 0; i < src.length; ) {
    const ch = src[i];
    if (ch === ' ' || ch === '\t') {
      endWord();
      i++;
    } else if (ch === '\n' || ch === ';') {
      endWord();
      tokens.push({ separator: true });
      i++;
    } else if (src.startsWith('>&2', i)) {
      // Standard error goes to the log like standard output.
      endWord();
      i += 3;
    } else if (ch === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('unterminated quoted string');
      add(src.slice(i + 1, end), 'single');
      i = end + 1;
    } else if (ch === '"') {
      let text = '';
      let j = i + 1;
      for (; src[j] !== '"'; ) {
        if (j >= src.length) {
          throw new ShellSyntaxError('unterminated quoted string');
        }
        if (src[j] === '\\' || src[j] === '`') {
          throw new ShellSyntaxError(`"${src[j]}" is not supported`);
        }
        const end = src[j] === '$' ? expansionEnd(src, j) : j + 1;
        text += src.slice(j, end);
        j = end;
      }
      add(text, 'double');
      i = j + 1;
    } else if (ch === '$') {
      const end = expansionEnd(src, i);
      add(src.slice(i, end), 'none');
      i = end;
    } else if ('|&<>(){}`\\#'.includes(ch)) {
      throw new ShellSyntaxError(`"${ch}" is not supported`);
    } else {
      add(ch, 'none');
      i++;
    }
  }
  endWord();
  return tokens;
}

function parse(tokens: Token[]): Node[] {
  let pos = 0;
  const keyword = () => {
    const token = tokens[pos];
    return token && 'word' in token && token.word.length === 1
      ? token.word[0].quote === 'none' && token.word[0].text
      : undefined;
  };
  const skipSeparators = () => {
    while (tokens[pos] && 'separator' in tokens[pos]) pos++;
  };
  const expect = (value: string) => {
    skipSeparators();
    if (keyword() !== value) {
      throw new ShellSyntaxError(`expected "${value}"`);
    }
    pos++;
  };
  const words = () => {
    const found: Word[] = [];
    for (let t = tokens[pos]; t && 'word' in t; t = tokens[++pos]) {
      found.push(t.word);
    }
    return found;
  };

  function list(...terminators: string[]): Node[] {
    const nodes: Node[] = [];
    for (;;) {
      skipSeparators();
      if (pos >= tokens.length || terminators.includes(keyword() || '')) {
        return nodes;
      }
      nodes.push(command());
    }
  }

  function command(): Node {
    const first = keyword() || '';
    if (RESERVED.includes(first)) {
      throw new ShellSyntaxError(`unexpected "${first}"`);
    }
    if (UNSUPPORTED_KEYWORDS.includes(first)) {
      throw new ShellSyntaxError(`"${first}" is not supported`);
    }
    if (first === 'for') {
      pos++;
      const name = keyword();
      if (!name || !NAME.test(name)) {
        throw new ShellSyntaxError('bad for loop variable');
      }
      pos++;
      expect('in');
      const items = words();
      expect('do');
      const body = list('done');
      expect('done');
      return { kind: 'for', name, words: items, body };
    }
    if (first === 'if') {
      pos++;
      const condition = list('then');
      expect('then');
      const then = list('else', 'fi');
      let otherwise: Node[] | undefined;
      if (keyword() === 'else') {
        pos++;
        otherwise = list('fi');
      }
      expect('fi');
      return { kind: 'if', condition, then, otherwise };
    }
    const all = words();
    const assignments: Array<[string, Word]> = [];
    while (all.length) {
      const [head, ...rest] = all[0];
      const match =
        head.quote === 'none' && /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(head.text);
      if (!match) break;
      const value = { ...head, text: head.text.slice(match[0].length) };
      assignments.push([match[1], [value, ...rest]]);
      all.shift();
    }
    if (assignments.length && all.length) {
      throw new ShellSyntaxError(
        'assignments before a command are not supported',
      );
    }
    return { kind: 'simple', assignments, words: all };
  }

  return list();
}

// ------------------------------------------------------------------ running

interface State {
  t: number;
  vars: Map<string, string>;
  status: number;
  lines: LogStep[];
  /** Output of a command substitution, instead of the log. */
  capture?: string[];
}

function write(state: State, text: string) {
  if (state.capture) {
    state.capture.push(text);
    return;
  }
  for (const line of text.replace(/\n$/, '').split('\n')) {
    state.lines.push({ at: state.t, text: line });
  }
}

/** `$((…))`: integers, variables, + - * / % and parentheses. */
function arithmetic(expr: string, state: State): number {
  const tokens =
    expr
      .replace(/\$?([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name) =>
        String(state.vars.get(name) || 0),
      )
      .match(/\d+|\S/g) ?? [];
  let pos = 0;
  const fail = () => {
    throw new ShellSyntaxError(`arithmetic syntax error: ${expr}`);
  };
  const operand = (): number => {
    const token = tokens[pos++];
    if (token === '-') return -operand();
    if (token === '(') {
      // eslint-disable-next-line @typescript-eslint/no-use-before-define
      const value = sum();
      if (tokens[pos++] !== ')') fail();
      return value;
    }
    return /^\d+$/.test(token ?? '') ? Number(token) : fail();
  };
  const product = () => {
    let value = operand();
    while (['*', '/', '%'].includes(tokens[pos])) {
      const op = tokens[pos++];
      const right = operand();
      if (op !== '*' && right === 0) fail();
      if (op === '*') value *= right;
      else value = op === '/' ? Math.trunc(value / right) : value % right;
    }
    return value;
  };
  const sum = () => {
    let value = product();
    while (tokens[pos] === '+' || tokens[pos] === '-') {
      value = tokens[pos++] === '+' ? value + product() : value - product();
    }
    return value;
  };
  const result = sum();
  if (pos !== tokens.length) fail();
  return result;
}

function expandText(text: string, state: State): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (text[i] !== '$') {
      out += text[i++];
      continue;
    }
    const end = expansionEnd(text, i);
    const inner = text.slice(i + 1, end);
    if (inner.startsWith('((')) {
      out += arithmetic(inner.slice(2, -2), state);
    } else if (inner.startsWith('(')) {
      // Command substitution: its output, trailing newlines removed.
      const saved = state.capture;
      state.capture = [];
      try {
        run(parse(lex(inner.slice(1, -1))), state);
      } catch (e) {
        if (!(e instanceof Exit)) throw e;
      }
      out += state.capture.join('').replace(/\n+$/, '');
      state.capture = saved;
    } else if (inner) {
      out += state.vars.get(inner.replace(/^\{(.*)\}$/, '$1')) ?? '';
    } else {
      out += '$';
    }
    i = end;
  }
  return out;
}

/** A word's fields: unquoted expansions are split on whitespace. */
function expand(word: Word, state: State): string[] {
  const fields: string[] = [];
  let current: string | undefined;
  for (const part of word) {
    if (part.quote !== 'none') {
      const text =
        part.quote === 'single' ? part.text : expandText(part.text, state);
      current = (current ?? '') + text;
      continue;
    }
    const pieces = expandText(part.text, state).split(/[ \t\n]+/);
    for (let index = 0; index < pieces.length; index++) {
      if (index > 0 && current) {
        fields.push(current);
        current = undefined;
      }
      if (pieces[index]) current = (current ?? '') + pieces[index];
    }
  }
  if (current !== undefined) fields.push(current);
  return fields;
}

function test(args: string[]): boolean {
  if (args.length === 2 && (args[0] === '-z' || args[0] === '-n')) {
    return (args[1] === '') === (args[0] === '-z');
  }
  if (args.length === 3 && (args[1] === '=' || args[1] === '!=')) {
    return (args[0] === args[2]) === (args[1] === '=');
  }
  throw new ShellSyntaxError(
    `test ${args.join(' ')}: only -z, -n, = and != are supported`,
  );
}

/** Runs a command; returns its exit status. */
function runCommand([name, ...args]: string[], state: State): number {
  switch (name) {
    case 'echo':
      if (/^-[neE]+$/.test(args[0] ?? '')) {
        throw new ShellSyntaxError('echo options are not supported');
      }
      write(state, `${args.join(' ')}\n`);
      return 0;
    case 'sleep': {
      const seconds = Number(args[0]);
      if (args.length !== 1 || !(seconds >= 0)) {
        throw new ShellSyntaxError('only "sleep SECONDS" is supported');
      }
      state.t += seconds;
      return 0;
    }
    case 'exit':
      throw new Exit(args.length ? Number(args[0]) & 255 : state.status);
    case 'true':
      return 0;
    case 'false':
      return 1;
    case 'test':
      return test(args) ? 0 : 1;
    case '[':
      if (args[args.length - 1] !== ']') {
        throw new ShellSyntaxError('[: missing ]');
      }
      return test(args.slice(0, -1)) ? 0 : 1;
    case 'seq': {
      const [first, last] = (args.length === 1 ? ['1', ...args] : args).map(
        Number,
      );
      if (!args.length || args.length > 2 || Number.isNaN(first + last)) {
        throw new ShellSyntaxError('only "seq [FIRST] LAST" is supported');
      }
      for (let n = first; n <= last; n++) write(state, `${n}\n`);
      return 0;
    }
    default:
      // On standard error: never captured by $(…).
      state.lines.push({ at: state.t, text: `sh: ${name}: not found` });
      return 127;
  }
}

function run(nodes: Node[], state: State) {
  for (const node of nodes) {
    if (node.kind === 'for') {
      state.status = 0;
      for (const item of node.words.flatMap(w => expand(w, state))) {
        state.vars.set(node.name, item);
        run(node.body, state);
      }
    } else if (node.kind === 'if') {
      run(node.condition, state);
      if (state.status === 0) {
        run(node.then, state);
      } else if (node.otherwise) {
        run(node.otherwise, state);
      } else {
        state.status = 0;
      }
    } else {
      for (const [name, value] of node.assignments) {
        state.vars.set(name, expand(value, state).join(' '));
      }
      const argv = node.words.flatMap(w => expand(w, state));
      state.status = argv.length ? runCommand(argv, state) : 0;
    }
  }
}

/**
 * Simulates a container's command + args (already expanded by the kubelet) with its
 * environment.
 */
export function compileProgram(
  command: string[] | undefined,
  args: string[] | undefined,
  env: Record<string, string> = {},
): Program {
  const argv = [...(command ?? []), ...(args ?? [])];
  const shell = SHELLS.includes(argv[0]?.split('/').pop() ?? '');
  if (!shell || !argv[1]?.startsWith('-')) {
    return { lines: [], duration: DEFAULT_RUN_SECONDS, exitCode: 0 };
  }
  const state: State = {
    t: 0,
    vars: new Map(Object.entries(env)),
    status: 0,
    lines: [],
  };
  try {
    if (argv[1] !== '-c') {
      throw new ShellSyntaxError(`option ${argv[1]} is not supported`);
    }
    run(parse(lex(argv[2] ?? '')), state);
    return { lines: state.lines, duration: state.t, exitCode: state.status };
  } catch (e) {
    if (e instanceof Exit) {
      return { lines: state.lines, duration: state.t, exitCode: e.code };
    }
    if (!(e instanceof ShellSyntaxError)) throw e;
    state.capture = undefined;
    write(state, `sh: ${e.message} (sandbox shell subset)`);
    return { lines: state.lines, duration: state.t, exitCode: 2 };
  }
}
