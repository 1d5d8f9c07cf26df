import { ParameterDeclaration, ParameterValue } from './types';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * What is wrong with a value for a parameter, in words ("must be at least 1"), or undefined
 * when it is fine. The one set of rules: the backend refuses with it, the Run dialog checks
 * with it as the user types.
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
      if (p.maxLength !== undefined && value.length > p.maxLength) {
        return `must be at most ${p.maxLength} characters`;
      }
      if (
        p.pattern !== undefined &&
        !new RegExp(`^(?:${p.pattern})$`).test(value)
      ) {
        return `must match ${p.pattern}`;
      }
      return undefined;
    }
  }
}
