/*
 * The sandbox shell subset's syntax: a lexer and a recursive-descent parser
 * that turn a script into the tree the interpreter (shell.ts) runs. What the
 * subset covers is described in shell.ts.
 */

// ------------------------------------------------------------------ lexer

export interface Part {
  text: string;
  quote: 'none' | 'single' | 'double';
}

export type Token =
  | { type: 'word'; parts: Part[]; raw: string }
  | { type: 'op'; value: string }
  | { type: 'redir'; op: string; target?: Token & { type: 'word' } };

/** A script outside the sandbox shell subset, or malformed. */
export class ShellSyntaxError extends Error {}

export function scanSubstitution(src: string, start: number): number {
  // src[start] is '(' (after '$') or '{'; returns the index after the match.
  const open = src[start];
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  for (let i = start; i < src.length; i++) {
    const ch = src[i];
    if (ch === '\\') {
      i++;
    } else if (ch === "'" && open === '(') {
      const end = src.indexOf("'", i + 1);
      i = end < 0 ? src.length : end;
    } else if (ch === open) {
      depth++;
    } else if (ch === close) {
      depth--;
      if (depth === 0) {
        return i + 1;
      }
    }
  }
  throw new ShellSyntaxError(`unterminated ${open === '(' ? '$(' : '${'}`);
}

function lex(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let parts: Part[] = [];
  let raw = '';
  let inWord = false;

  const push = (text: string, quote: Part['quote']) => {
    const last = parts[parts.length - 1];
    if (last && last.quote === quote) {
      last.text += text;
    } else {
      parts.push({ text, quote });
    }
    inWord = true;
  };
  const endWord = () => {
    if (inWord) {
      tokens.push({ type: 'word', parts, raw });
    }
    parts = [];
    raw = '';
    inWord = false;
  };

  while (i < src.length) {
    const ch = src[i];
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      endWord();
      i++;
    } else if (ch === '\n') {
      endWord();
      tokens.push({ type: 'op', value: '\n' });
      i++;
    } else if (ch === '#' && !inWord) {
      while (i < src.length && src[i] !== '\n') {
        i++;
      }
    } else if (ch === '\\') {
      if (src[i + 1] === '\n') {
        i += 2;
      } else {
        push(src[i + 1] ?? '', 'single');
        raw += src.slice(i, i + 2);
        i += 2;
      }
    } else if (ch === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) {
        throw new ShellSyntaxError('unterminated quoted string');
      }
      push(src.slice(i + 1, end), 'single');
      raw += src.slice(i, end + 1);
      i = end + 1;
    } else if (ch === '"') {
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && '"\\$`\n'.includes(src[j + 1])) {
          // An escaped newline disappears; an escaped $ stays literal.
          if (src[j + 1] === '$') {
            text += '\\$';
          } else if (src[j + 1] !== '\n') {
            text += src[j + 1];
          }
          j += 2;
        } else if (
          src[j] === '$' &&
          (src[j + 1] === '(' || src[j + 1] === '{')
        ) {
          const end = scanSubstitution(src, j + 1);
          text += src.slice(j, end);
          j = end;
        } else {
          text += src[j];
          j++;
        }
      }
      if (j >= src.length) {
        throw new ShellSyntaxError('unterminated quoted string');
      }
      push(text, 'double');
      raw += src.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '$' && (src[i + 1] === '(' || src[i + 1] === '{')) {
      const end = scanSubstitution(src, i + 1);
      push(src.slice(i, end), 'none');
      raw += src.slice(i, end);
      i = end;
    } else if (ch === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) {
        throw new ShellSyntaxError('unterminated backquote');
      }
      push(`$(${src.slice(i + 1, end)})`, 'none');
      raw += src.slice(i, end + 1);
      i = end + 1;
    } else if (ch === '>' || ch === '<' || (ch === '&' && src[i + 1] === '>')) {
      // An fd number right before the operator belongs to the redirection.
      if (inWord && /^\d+$/.test(raw)) {
        parts = [];
        raw = '';
        inWord = false;
      } else {
        endWord();
      }
      let op = ch;
      i++;
      if (ch === '&') {
        op = '&>';
        i++;
      } else if (src[i] === '>' || src[i] === '&') {
        op += src[i];
        i++;
      }
      if (op.endsWith('&') && /[0-9-]/.test(src[i] ?? '')) {
        // >&2, <&0, >&- : no file target.
        i++;
        tokens.push({ type: 'redir', op });
        continue;
      }
      tokens.push({ type: 'redir', op });
    } else if (
      ch === ';' ||
      ch === '&' ||
      ch === '|' ||
      ch === '(' ||
      ch === ')'
    ) {
      endWord();
      const two = src.slice(i, i + 2);
      if (two === '&&' || two === '||' || two === ';;') {
        tokens.push({ type: 'op', value: two });
        i += 2;
      } else {
        tokens.push({ type: 'op', value: ch });
        i++;
      }
    } else {
      push(ch, 'none');
      raw += ch;
      i++;
    }
  }
  endWord();
  // Attach redirection targets.
  const out: Token[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k];
    if (
      token.type === 'redir' &&
      !token.op.endsWith('&') &&
      tokens[k + 1]?.type === 'word'
    ) {
      out.push({ ...token, target: tokens[k + 1] as Token & { type: 'word' } });
      k++;
    } else {
      out.push(token);
    }
  }
  return out;
}

// ------------------------------------------------------------------ parser

export type Word = Token & { type: 'word' };

export type Node =
  | {
      kind: 'simple';
      assignments: Array<[string, Word]>;
      words: Word[];
      silent: boolean;
    }
  | { kind: 'pipeline'; commands: Node[]; negate: boolean }
  | { kind: 'andOr'; first: Node; rest: Array<['&&' | '||', Node]> }
  | { kind: 'list'; items: Node[] }
  | { kind: 'for'; name: string; words: Word[] | undefined; body: Node }
  | { kind: 'while'; until: boolean; condition: Node; body: Node }
  | { kind: 'if'; branches: Array<[Node, Node]>; otherwise?: Node }
  | { kind: 'group'; body: Node };

const TERMINATORS = new Set([
  'do',
  'done',
  'then',
  'elif',
  'else',
  'fi',
  '}',
  'esac',
]);

function plainWord(token: Token | undefined): string | undefined {
  if (
    token?.type === 'word' &&
    token.parts.length === 1 &&
    token.parts[0].quote === 'none'
  ) {
    return token.parts[0].text;
  }
  return undefined;
}

/** A token as shown in syntax errors. */
function describe(token: Token | undefined): string {
  if (!token) {
    return 'end of script';
  }
  if (token.type === 'word') {
    return `"${token.raw}"`;
  }
  return `"${token.type === 'op' ? token.value : token.op}"`;
}

class Parser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isOp(value: string): boolean {
    const t = this.peek();
    return t?.type === 'op' && t.value === value;
  }

  private skipNewlines() {
    while (this.isOp('\n') || this.isOp(';')) {
      this.pos++;
    }
  }

  private expectWord(value: string) {
    this.skipNewlines();
    if (plainWord(this.peek()) !== value) {
      throw new ShellSyntaxError(
        `expected "${value}" but found ${describe(this.peek())}`,
      );
    }
    this.pos++;
  }

  parseScript(): Node {
    const list = this.parseList();
    if (this.pos < this.tokens.length) {
      throw new ShellSyntaxError(`unexpected ${describe(this.peek())}`);
    }
    return list;
  }

  private parseList(): Node {
    const items: Node[] = [];
    for (;;) {
      this.skipNewlines();
      while (this.isOp('&')) {
        this.pos++;
        this.skipNewlines();
      }
      const t = this.peek();
      if (
        !t ||
        (t.type === 'op' && t.value === ')') ||
        TERMINATORS.has(plainWord(t) ?? '')
      ) {
        break;
      }
      items.push(this.parseAndOr());
      if (!(this.isOp(';') || this.isOp('\n') || this.isOp('&'))) {
        break;
      }
    }
    return { kind: 'list', items };
  }

  private parseAndOr(): Node {
    const first = this.parsePipeline();
    const rest: Array<['&&' | '||', Node]> = [];
    while (this.isOp('&&') || this.isOp('||')) {
      const op = (this.peek() as { value: '&&' | '||' }).value;
      this.pos++;
      while (this.isOp('\n')) {
        this.pos++;
      }
      rest.push([op, this.parsePipeline()]);
    }
    return rest.length ? { kind: 'andOr', first, rest } : first;
  }

  private parsePipeline(): Node {
    let negate = false;
    if (plainWord(this.peek()) === '!') {
      negate = true;
      this.pos++;
    }
    const commands = [this.parseCommand()];
    while (this.isOp('|')) {
      this.pos++;
      while (this.isOp('\n')) {
        this.pos++;
      }
      commands.push(this.parseCommand());
    }
    return commands.length === 1 && !negate
      ? commands[0]
      : { kind: 'pipeline', commands, negate };
  }

  private parseCommand(): Node {
    const word = plainWord(this.peek());
    if (this.isOp('(')) {
      this.pos++;
      const body = this.parseList();
      if (!this.isOp(')')) {
        throw new ShellSyntaxError('expected ")"');
      }
      this.pos++;
      this.skipRedirections();
      return { kind: 'group', body };
    }
    switch (word) {
      case '{': {
        this.pos++;
        const body = this.parseList();
        this.expectWord('}');
        this.skipRedirections();
        return { kind: 'group', body };
      }
      case 'for':
        return this.parseFor();
      case 'while':
      case 'until': {
        this.pos++;
        const condition = this.parseList();
        this.expectWord('do');
        const body = this.parseList();
        this.expectWord('done');
        this.skipRedirections();
        return { kind: 'while', until: word === 'until', condition, body };
      }
      case 'if':
        return this.parseIf();
      case 'case':
        throw new ShellSyntaxError('"case" is not supported');
      default:
        return this.parseSimple();
    }
  }

  private skipRedirections() {
    while (this.peek()?.type === 'redir') {
      this.pos++;
    }
  }

  private parseFor(): Node {
    this.pos++;
    const name = plainWord(this.peek());
    if (!name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ShellSyntaxError('bad for loop variable');
    }
    this.pos++;
    let words: Word[] | undefined;
    while (this.isOp('\n')) {
      this.pos++;
    }
    if (plainWord(this.peek()) === 'in') {
      this.pos++;
      words = [];
      while (this.peek()?.type === 'word') {
        words.push(this.peek() as Word);
        this.pos++;
      }
    }
    this.expectWord('do');
    const body = this.parseList();
    this.expectWord('done');
    this.skipRedirections();
    return { kind: 'for', name, words, body };
  }

  private parseIf(): Node {
    this.pos++;
    const branches: Array<[Node, Node]> = [];
    let otherwise: Node | undefined;
    const condition = this.parseList();
    this.expectWord('then');
    branches.push([condition, this.parseList()]);
    for (;;) {
      this.skipNewlines();
      const word = plainWord(this.peek());
      if (word === 'elif') {
        this.pos++;
        const c = this.parseList();
        this.expectWord('then');
        branches.push([c, this.parseList()]);
      } else if (word === 'else') {
        this.pos++;
        otherwise = this.parseList();
      } else {
        break;
      }
    }
    this.expectWord('fi');
    this.skipRedirections();
    return { kind: 'if', branches, otherwise };
  }

  private parseSimple(): Node {
    const assignments: Array<[string, Word]> = [];
    const words: Word[] = [];
    let silent = false;
    for (;;) {
      const t = this.peek();
      if (!t) {
        break;
      }
      if (t.type === 'redir') {
        const target = t.target
          ? plainWord(t.target) ?? t.target.raw
          : undefined;
        if ((t.op === '>' || t.op === '>>' || t.op === '&>') && target) {
          // Output into a file (or /dev/null) does not reach the log.
          silent = true;
        }
        this.pos++;
        continue;
      }
      if (t.type !== 'word') {
        break;
      }
      const assignment =
        !words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.exec(t.raw);
      if (assignment) {
        const name = assignment[0].slice(0, -1);
        const valueParts = structuredClone(t.parts);
        valueParts[0] = {
          ...valueParts[0],
          text: valueParts[0].text.slice(name.length + 1),
        };
        assignments.push([
          name,
          {
            type: 'word',
            parts: valueParts,
            raw: t.raw.slice(name.length + 1),
          },
        ]);
      } else {
        words.push(t);
      }
      this.pos++;
    }
    if (!words.length && !assignments.length) {
      throw new ShellSyntaxError(`unexpected ${describe(this.peek())}`);
    }
    return { kind: 'simple', assignments, words, silent };
  }
}

/** Parses a script into its tree; throws ShellSyntaxError outside the subset. */
export function parseScript(script: string): Node {
  return new Parser(lex(script)).parseScript();
}
