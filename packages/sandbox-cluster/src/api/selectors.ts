/*
 * Label and field selectors, parsed with the grammar and error messages of
 * k8s.io/apimachinery/pkg/labels and pkg/fields.
 */
import { badRequest } from './errors';
import { validateLabelValue, validateQualifiedName } from './validation';

type Operator =
  | 'in'
  | 'notin'
  | '='
  | '=='
  | '!='
  | 'exists'
  | '!'
  | 'gt'
  | 'lt';

/** One requirement of a label selector, e.g. `env in (a,b)`. */
export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

/** A parsed label selector: requirements ANDed together. */
export type LabelSelector = Requirement[];

type TokenType =
  | 'error'
  | 'eos'
  | 'closedPar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'gt'
  | 'identifier'
  | 'in'
  | 'lt'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

interface Token {
  type: TokenType;
  literal: string;
}

const SPECIAL = '=!(),><';
const SYMBOLS: Array<[string, TokenType]> = [
  ['!=', 'notEquals'],
  ['==', 'doubleEquals'],
  ['!', 'doesNotExist'],
  ['(', 'openPar'],
  [')', 'closedPar'],
  [',', 'comma'],
  ['=', 'equals'],
  ['>', 'gt'],
  ['<', 'lt'],
];

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < input.length) {
    const ch = input[pos];
    if (/\s/.test(ch)) {
      pos++;
      continue;
    }
    if (SPECIAL.includes(ch)) {
      const at = pos;
      const symbol = SYMBOLS.find(([s]) => input.startsWith(s, at));
      if (!symbol) {
        tokens.push({ type: 'error', literal: ch });
        pos++;
        continue;
      }
      tokens.push({ type: symbol[1], literal: symbol[0] });
      pos += symbol[0].length;
      continue;
    }
    let end = pos;
    while (
      end < input.length &&
      !/\s/.test(input[end]) &&
      !SPECIAL.includes(input[end])
    ) {
      end++;
    }
    const literal = input.slice(pos, end);
    let type: TokenType = 'identifier';
    if (literal === 'in') {
      type = 'in';
    } else if (literal === 'notin') {
      type = 'notIn';
    }
    tokens.push({ type, literal });
    pos = end;
  }
  tokens.push({ type: 'eos', literal: '' });
  return tokens;
}

/** Recursive-descent parser mirroring labels.Parser. */
class Parser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  private lookahead(values: boolean): Token {
    return this.adjust(this.tokens[this.pos], values);
  }

  private consume(values: boolean): Token {
    const token = this.tokens[this.pos];
    if (this.pos < this.tokens.length - 1) {
      this.pos++;
    }
    return this.adjust(token, values);
  }

  // In a value context the keywords `in`/`notin` are plain identifiers.
  private adjust(token: Token, values: boolean): Token {
    if (values && (token.type === 'in' || token.type === 'notIn')) {
      return { type: 'identifier', literal: token.literal };
    }
    return token;
  }

  parse(): LabelSelector {
    const requirements: Requirement[] = [];
    for (;;) {
      const token = this.lookahead(true);
      switch (token.type) {
        case 'identifier':
        case 'doesNotExist': {
          try {
            requirements.push(this.parseRequirement());
          } catch (e) {
            throw new Error(
              `unable to parse requirement: ${(e as Error).message}`,
            );
          }
          const next = this.consume(true);
          if (next.type === 'eos') {
            return requirements;
          }
          if (next.type === 'comma') {
            const after = this.lookahead(true);
            if (after.type !== 'identifier' && after.type !== 'doesNotExist') {
              throw new Error(
                `found '${after.literal}', expected: identifier after ','`,
              );
            }
            continue;
          }
          throw new Error(
            `found '${next.literal}', expected: ',' or 'end of string'`,
          );
        }
        case 'eos':
          return requirements;
        default:
          throw new Error(
            `found '${token.literal}', expected: !, identifier, or 'end of string'`,
          );
      }
    }
  }

  private parseRequirement(): Requirement {
    let token = this.consume(true);
    let operator: Operator | undefined;
    if (token.type === 'doesNotExist') {
      operator = '!';
      token = this.consume(true);
    }
    if (token.type !== 'identifier') {
      throw new Error(`found '${token.literal}', expected: identifier`);
    }
    const key = token.literal;
    const keyErrors = validateQualifiedName(key);
    if (keyErrors.length) {
      throw new Error(`key: Invalid value: "${key}": ${keyErrors.join('; ')}`);
    }
    const next = this.lookahead(true);
    if (next.type === 'eos' || next.type === 'comma') {
      return { key, operator: operator ?? 'exists', values: [] };
    }
    if (operator === '!') {
      throw new Error(
        `found '${next.literal}', expected: ',' or 'end of string'`,
      );
    }
    const opToken = this.consume(false);
    let values: string[];
    switch (opToken.type) {
      case 'in':
        operator = 'in';
        values = this.parseValues();
        break;
      case 'notIn':
        operator = 'notin';
        values = this.parseValues();
        break;
      case 'equals':
        operator = '=';
        values = this.parseExactValue();
        break;
      case 'doubleEquals':
        operator = '==';
        values = this.parseExactValue();
        break;
      case 'notEquals':
        operator = '!=';
        values = this.parseExactValue();
        break;
      case 'gt':
        operator = 'gt';
        values = this.parseExactValue();
        break;
      case 'lt':
        operator = 'lt';
        values = this.parseExactValue();
        break;
      default:
        throw new Error(
          `found '${opToken.literal}', expected: in, notin, =, ==, !=, gt, lt`,
        );
    }
    for (const value of values) {
      const valueErrors = validateLabelValue(value);
      if (valueErrors.length) {
        throw new Error(
          `values[0][${key}]: Invalid value: "${value}": ${valueErrors.join(
            '; ',
          )}`,
        );
      }
    }
    if (operator === 'gt' || operator === 'lt') {
      if (values.length !== 1 || !/^-?\d+$/.test(values[0])) {
        throw new Error(
          `values: Invalid value: ${JSON.stringify(
            values,
          )}: for 'Gt', 'Lt' operators, the value must be an integer`,
        );
      }
    }
    return { key, operator, values };
  }

  private parseValues(): string[] {
    const open = this.consume(true);
    if (open.type !== 'openPar') {
      throw new Error(`found '${open.literal}' expected: '('`);
    }
    const token = this.lookahead(true);
    if (token.type === 'identifier' || token.type === 'comma') {
      const values = this.parseIdentifiersList();
      const close = this.consume(true);
      if (close.type !== 'closedPar') {
        throw new Error(`found '${close.literal}', expected: ')'`);
      }
      return values;
    }
    if (token.type === 'closedPar') {
      this.consume(true);
      return [''];
    }
    throw new Error(
      `found '${token.literal}', expected: ',', ')' or identifier`,
    );
  }

  private parseIdentifiersList(): string[] {
    const values = new Set<string>();
    for (;;) {
      const token = this.consume(true);
      if (token.type === 'identifier') {
        values.add(token.literal);
        const next = this.lookahead(true);
        if (next.type === 'comma') {
          continue;
        }
        if (next.type === 'closedPar') {
          return [...values];
        }
        throw new Error(`found '${next.literal}', expected: ',' or ')'`);
      } else if (token.type === 'comma') {
        if (!values.size) {
          values.add('');
        }
        const next = this.lookahead(true);
        if (next.type === 'closedPar') {
          values.add('');
          return [...values];
        }
        if (next.type === 'comma') {
          this.consume(true);
          values.add('');
        }
      } else {
        throw new Error(
          `found '${token.literal}', expected: ',', or identifier`,
        );
      }
    }
  }

  private parseExactValue(): string[] {
    const next = this.lookahead(true);
    if (next.type === 'eos' || next.type === 'comma') {
      return [''];
    }
    const token = this.consume(true);
    if (token.type === 'identifier') {
      return [token.literal];
    }
    throw new Error(`found '${token.literal}', expected: identifier`);
  }
}

/**
 * Parses a `labelSelector` query parameter.
 *
 * @throws ApiError 400 with the apiserver's parse error message
 */
export function parseLabelSelector(input: string | undefined): LabelSelector {
  if (!input) {
    return [];
  }
  try {
    return new Parser(lex(input)).parse();
  } catch (e) {
    throw badRequest((e as Error).message);
  }
}

/** Whether a set of labels satisfies a selector. */
export function matchesLabels(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const set = labels ?? {};
  return selector.every(r => {
    const has = Object.prototype.hasOwnProperty.call(set, r.key);
    const value = set[r.key];
    switch (r.operator) {
      case 'in':
      case '=':
      case '==':
        return has && r.values.includes(value);
      case 'notin':
      case '!=':
        return !has || !r.values.includes(value);
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(value)) {
          return false;
        }
        const diff = Number(value) - Number(r.values[0]);
        return r.operator === 'gt' ? diff > 0 : diff < 0;
      }
      default:
        return false;
    }
  });
}

/**
 * Whether labels satisfy a metav1.LabelSelector object (matchLabels and
 * matchExpressions), as used by Job selectors.
 */
export function matchesSelectorObject(
  selector: any,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) {
    return false;
  }
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push({ key, operator: '=', values: [String(value)] });
  }
  for (const expression of selector.matchExpressions ?? []) {
    const operators: Record<string, Operator> = {
      In: 'in',
      NotIn: 'notin',
      Exists: 'exists',
      DoesNotExist: '!',
    };
    const operator = operators[String(expression.operator)] ?? '!';
    requirements.push({
      key: String(expression.key),
      operator,
      values: expression.values ?? [],
    });
  }
  // An empty metav1.LabelSelector matches everything.
  return matchesLabels(requirements, labels);
}

/** One term of a field selector. */
export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/**
 * Parses a `fieldSelector` and checks each field against what the resource
 * supports (`field label "spec.suspend" not supported for Job`).
 */
export function parseFieldSelector(
  input: string | undefined,
  supported: (field: string) => boolean,
  kind: string,
): FieldRequirement[] {
  if (!input) {
    return [];
  }
  const terms = splitTerms(input);
  return terms.map(term => {
    const match = /^(.*?)(==|!=|=)(.*)$/s.exec(term);
    if (!match) {
      throw badRequest(
        `invalid selector: '${input}'; can't understand '${term}'`,
      );
    }
    const [, field, op, value] = match;
    if (!supported(field)) {
      throw badRequest(`field label "${field}" not supported for ${kind}`);
    }
    return {
      field,
      operator: op === '!=' ? '!=' : '=',
      value: unescapeFieldValue(value),
    };
  });
}

// Field selector values may escape `\`, `,` and `=` with a backslash.
function splitTerms(input: string): string[] {
  const terms: string[] = [];
  let current = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch === '\\' && i + 1 < input.length) {
      current += ch + input[i + 1];
      i++;
    } else if (ch === ',') {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.filter(t => t.length > 0);
}

function unescapeFieldValue(value: string): string {
  return value.replace(/\\([\\,=])/g, '$1');
}

/** Whether an object's selectable fields satisfy a field selector. */
export function matchesFields(
  requirements: FieldRequirement[],
  fields: Record<string, string>,
): boolean {
  return requirements.every(r => {
    const value = fields[r.field] ?? '';
    return r.operator === '=' ? value === r.value : value !== r.value;
  });
}
