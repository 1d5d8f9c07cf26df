import { ChangeEvent } from 'react';
import Checkbox from '@material-ui/core/Checkbox';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import {
  ParameterDeclaration,
  ParameterValue,
  parameterProblem,
} from '@job-assistant/plugin-kubernetes-jobs-common';

/** What the user typed, per parameter: text for fields, true/false for checkboxes. */
export type ParameterInput = Record<string, string | boolean>;

/** The form's starting point: a past run's values (Run again), else the defaults. */
export function initialInput(
  parameters: ParameterDeclaration[],
  values?: Record<string, ParameterValue>,
): ParameterInput {
  const input: ParameterInput = {};
  for (const p of parameters) {
    const value = values?.[p.name] ?? p.default;
    if (p.type === 'boolean') input[p.name] = value === true;
    else input[p.name] = value === undefined ? '' : String(value);
  }
  return input;
}

/**
 * Turns what was typed into the values to send, and says, per parameter, what is wrong: the
 * same rules as the backend (from -common), so the dialog refuses what the backend would.
 */
export function valuesOf(
  parameters: ParameterDeclaration[],
  input: ParameterInput,
): {
  values: Record<string, ParameterValue>;
  problems: Record<string, string>;
} {
  const values: Record<string, ParameterValue> = {};
  const problems: Record<string, string> = {};
  for (const p of parameters) {
    const raw = input[p.name];
    if (p.type === 'boolean') {
      values[p.name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (!text) {
      if (p.required) problems[p.name] = 'Required';
      continue;
    }
    const value: ParameterValue =
      p.type === 'number' || p.type === 'integer' ? Number(text) : text;
    const problem = parameterProblem(p, value);
    if (problem) {
      problems[p.name] = problem.charAt(0).toUpperCase() + problem.slice(1);
    } else {
      values[p.name] = value;
    }
  }
  return { values, problems };
}

/** The HTML input type of a text-like parameter. */
function inputType(p: ParameterDeclaration): 'date' | 'number' | 'text' {
  if (p.type === 'date') return 'date';
  if (p.type === 'number' || p.type === 'integer') return 'number';
  return 'text';
}

export interface ParametersFormProps {
  parameters: ParameterDeclaration[];
  input: ParameterInput;
  onChange: (input: ParameterInput) => void;
  /** Problems to show per parameter: the form's own checks, or the backend's answer. */
  problems: Record<string, string>;
  /** Show problems only once the user tried to run, or touched the field. */
  showProblems: boolean;
  disabled?: boolean;
}

/** The Run dialog's fields, one per declared parameter, matching its type. */
export function ParametersForm(props: ParametersFormProps) {
  const { parameters, input, onChange, problems, showProblems, disabled } =
    props;
  const set = (name: string, value: string | boolean) =>
    onChange({ ...input, [name]: value });
  return (
    <>
      {parameters.map(p => {
        const label = p.title ?? p.name;
        const problem = showProblems ? problems[p.name] : undefined;
        const help = problem ?? p.description;
        const id = `parameter-${p.name}`;
        if (p.type === 'boolean') {
          return (
            <FormControl
              key={p.name}
              margin="dense"
              fullWidth
              error={!!problem}
            >
              <FormControlLabel
                control={
                  <Checkbox
                    id={id}
                    checked={input[p.name] === true}
                    onChange={e => set(p.name, e.target.checked)}
                    disabled={disabled}
                    color="primary"
                  />
                }
                label={label}
              />
              {help && <FormHelperText>{help}</FormHelperText>}
            </FormControl>
          );
        }
        const common = {
          id,
          label,
          fullWidth: true,
          margin: 'dense' as const,
          variant: 'outlined' as const,
          required: p.required,
          disabled,
          error: !!problem,
          helperText: help,
          value: String(input[p.name] ?? ''),
          onChange: (e: ChangeEvent<HTMLInputElement>) =>
            set(p.name, e.target.value),
        };
        if (p.type === 'enum') {
          return (
            <TextField key={p.name} select {...common}>
              {!p.required && (
                <MenuItem value="">
                  <em>Not set</em>
                </MenuItem>
              )}
              {(p.options ?? []).map(option => (
                <MenuItem key={option} value={option}>
                  {option}
                </MenuItem>
              ))}
            </TextField>
          );
        }
        return (
          <TextField
            key={p.name}
            {...common}
            type={inputType(p)}
            InputLabelProps={p.type === 'date' ? { shrink: true } : undefined}
            inputProps={{
              min: p.minimum,
              max: p.maximum,
              step: p.type === 'integer' ? 1 : undefined,
              minLength: p.minLength,
              maxLength: p.maxLength,
            }}
          />
        );
      })}
    </>
  );
}
