import { RE2JS, RE2JSSyntaxException } from 're2js';
import { ParameterDeclaration, ParameterValue } from './types';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The longest value a `string` parameter takes when its declaration sets no `maxLength`: 4,096
 * characters (UTF-16 code units, as `String.length` counts). A declaration may set a larger
 * `maxLength` of its own.
 *
 * @public
 */
export const DEFAULT_PARAMETER_MAX_LENGTH = 4096;

/**
 * A `pattern` is code written by a Job's author and fed by whoever may run the Job: it is
 * matched by RE2 (re2js), in time linear in the value, never by a backtracking engine, where
 * one careless pattern such as `(a+)+$` would let one request freeze the backend. Compiled once
 * per pattern; bounded so that patterns edited over months do not pile up.
 */
const compiled = new Map<string, RE2JS | string>();
const MAX_COMPILED = 500;

function compile(pattern: string): RE2JS | string {
  let entry = compiled.get(pattern);
  if (entry === undefined) {
    entry = compileNow(pattern);
    if (compiled.size >= MAX_COMPILED) {
      compiled.delete(compiled.keys().next().value!);
    }
    compiled.set(pattern, entry);
  }
  return entry;
}

function compileNow(pattern: string): RE2JS | string {
  try {
    return RE2JS.compile(pattern);
  } catch (e) {
    const at = e instanceof RE2JSSyntaxException ? e.getPattern() ?? '' : '';
    const unsupported = (what: string) =>
      `uses ${what}, which RE2 syntax does not have: patterns are matched in linear time`;
    const backreference = /^\\([1-9]|k)/.exec(at);
    if (backreference) {
      return unsupported(`a backreference (\`${backreference[0]}\`)`);
    }
    const lookaround = /^\(\?<?[=!]/.exec(at);
    if (lookaround) return unsupported(`lookaround (\`${lookaround[0]}\`)`);
    return `is not a regular expression in RE2 syntax: ${
      e instanceof RE2JSSyntaxException
        ? `${e.getDescription()}: \`${at}\``
        : (e as Error).message
    }`;
  }
}

/**
 * What is wrong with a parameter's `pattern`, in words ("uses a backreference (`\1`), which RE2
 * syntax does not have: ...", "is not a regular expression in RE2 syntax: ..."), or undefined
 * when it can be used. Patterns use RE2 syntax (https://github.com/google/re2/wiki/Syntax) and
 * are matched in linear time, so backreferences and lookaround are refused: a declaration with
 * such a pattern is invalid.
 *
 * @public
 */
export function patternProblem(pattern: string): string | undefined {
  const entry = compile(pattern);
  return typeof entry === 'string' ? entry : undefined;
}

/**
 * What is wrong with a value for a parameter, in words ("must be at least 1"), or undefined
 * when it is fine. The one set of rules: the backend refuses with it, the Run dialog checks
 * with it as the user types.
 *
 * A `string` value is at most its declaration's `maxLength`, or
 * {@link DEFAULT_PARAMETER_MAX_LENGTH} characters when it sets none. Its `pattern` must match
 * the whole value (RE2 syntax, matched in linear time: see {@link patternProblem}).
 *
 * @public
 */
export function parameterProblem(
  p: ParameterDeclaration,
  value: ParameterValue,
): string | undefined {
  switch (p.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return 'must be a number';
      }
      if (p.type === 'integer' && !Number.isInteger(value)) {
        return 'must be a whole number';
      }
      if (p.minimum !== undefined && value < p.minimum) {
        return `must be at least ${p.minimum}`;
      }
      if (p.maximum !== undefined && value > p.maximum) {
        return `must be at most ${p.maximum}`;
      }
      return undefined;
    }
    case 'enum':
      return typeof value === 'string' && p.options?.includes(value)
        ? undefined
        : `must be one of ${p.options?.join(', ')}`;
    case 'date': {
      if (typeof value !== 'string' || !DATE.test(value)) {
        return 'must be a date as YYYY-MM-DD';
      }
      const date = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) &&
        date.toISOString().startsWith(value)
        ? undefined
        : 'is not a real date';
    }
    default: {
      if (typeof value !== 'string') return 'must be text';
      if (p.minLength !== undefined && value.length < p.minLength) {
        return `must be at least ${p.minLength} characters`;
      }
      const maxLength = p.maxLength ?? DEFAULT_PARAMETER_MAX_LENGTH;
      if (value.length > maxLength) {
        return `must be at most ${maxLength} characters`;
      }
      if (p.pattern !== undefined) {
        const pattern = compile(p.pattern);
        // A declaration is checked when it is read; this only guards a caller that did not.
        if (typeof pattern === 'string') {
          return `cannot be checked: pattern ${pattern}`;
        }
        if (!pattern.testExact(value)) return `must match ${p.pattern}`;
      }
      return undefined;
    }
  }
}
