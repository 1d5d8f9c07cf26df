import { InputError } from '@backstage/errors';
import { DefinitionInvalidError } from '../errors';
import {
  ParameterDeclaration,
  ParameterValue,
  parameterProblem as problemWith,
  patternProblem,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const declaration = z
  .object({
    name: z.string().regex(ENV_NAME, 'must be an environment variable name'),
    title: z.string().optional(),
    description: z.string().optional(),
    type: z.enum(['string', 'number', 'integer', 'boolean', 'enum', 'date']),
    required: z.boolean().optional(),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    options: z.array(z.string()).nonempty().optional(),
    pattern: z.string().optional(),
    minLength: z.number().int().nonnegative().optional(),
    maxLength: z.number().int().nonnegative().optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    containers: z.array(z.string()).nonempty().optional(),
  })
  .strict();

/** What a definition declares: its parameters, or why its annotation cannot be used. */
export type Declared =
  | { parameters: ParameterDeclaration[]; error?: undefined }
  | { parameters?: undefined; error: string };

/** Parses the `job-assistant/parameters` annotation (YAML or JSON); never throws. */
export function declaredParameters(annotation: string | undefined): Declared {
  if (annotation === undefined) return { parameters: [] };
  const invalid = (why: string): Declared => ({
    error: `parameters annotation invalid: ${why}`,
  });
  let raw: unknown;
  try {
    raw = parseYaml(annotation); // JSON is YAML too
  } catch (e) {
    return invalid(`not YAML or JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (!Array.isArray(raw)) return invalid('must be a list of parameters');
  const parameters: ParameterDeclaration[] = [];
  for (const [index, item] of raw.entries()) {
    const parsed = declaration.safeParse(item);
    const label = `parameter ${
      (item as { name?: unknown })?.name ?? `#${index + 1}`
    }`;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.join('.');
      return invalid(`${label}: ${field ? `${field} ` : ''}${issue.message}`);
    }
    const p = parsed.data as ParameterDeclaration;
    if (parameters.some(other => other.name === p.name)) {
      return invalid(`parameter ${p.name} is declared twice`);
    }
    if (p.type === 'enum' && !p.options) {
      return invalid(`${label}: an enum needs options`);
    }
    const badPattern =
      p.pattern === undefined ? undefined : patternProblem(p.pattern);
    if (badPattern) return invalid(`${label}: pattern ${badPattern}`);
    if (p.default !== undefined) {
      const problem = problemWith(p, p.default);
      if (problem) return invalid(`${label}: default ${problem}`);
    }
    parameters.push(p);
  }
  return { parameters };
}

/**
 * The values a run gets: the request's, checked against the declaration (a 400 naming the
 * parameter and what is wrong), with defaults for what is missing.
 */
export function valuesForRun(
  declared: Declared,
  given: Record<string, ParameterValue> | undefined,
): Record<string, ParameterValue> {
  if (declared.error !== undefined) {
    throw new DefinitionInvalidError(`cannot run: ${declared.error}`);
  }
  const parameters = declared.parameters;
  const values: Record<string, ParameterValue> = {};
  for (const name of Object.keys(given ?? {})) {
    if (!parameters.some(p => p.name === name)) {
      throw new InputError(
        parameters.length
          ? `parameters.${name}: unknown parameter; this Job takes ${parameters
              .map(p => p.name)
              .join(', ')}`
          : `parameters.${name}: this Job takes no parameters`,
      );
    }
  }
  for (const p of parameters) {
    const value = given?.[p.name] ?? p.default;
    if (value === undefined || value === '') {
      if (p.required) {
        throw new InputError(`parameters.${p.name}: required`);
      }
      continue;
    }
    const problem = problemWith(p, value);
    if (problem) throw new InputError(`parameters.${p.name}: ${problem}`);
    values[p.name] = value;
  }
  return values;
}

/** A value as an environment variable's text. */
export function envValue(value: ParameterValue): string {
  return typeof value === 'string' ? value : String(value);
}
