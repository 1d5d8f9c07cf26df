/*
 * Kubernetes' own `$(NAME)` expansion, as the kubelet does it before a container starts.
 */

/**
 * A container's environment as its process sees it: each value expanded, as the kubelet does,
 * from the variables defined before it (and `base`). Values from `valueFrom` are not simulated.
 */
export function containerEnvironment(
  list: Array<{ name: string; value?: unknown }> | undefined,
  base: Record<string, string>,
): Record<string, string> {
  const env = { ...base };
  for (const variable of list ?? []) {
    if (typeof variable.value === 'string') {
      env[variable.name] = expandReferences(variable.value, env);
    }
  }
  return env;
}

/**
 * Kubernetes' own expansion of env values, command and args, done by the kubelet before anything
 * runs (an env value sees only the variables defined before it):
 * `$(NAME)` becomes the container's env var NAME when it is defined and stays as written when
 * it is not; `$$` is an escaped `$` (so `$$(NAME)` stays `$(NAME)`).
 */
export function expandReferences(
  text: string,
  env: Record<string, string>,
): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '$' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    if (next === '(') {
      const end = text.indexOf(')', i + 2);
      const name = end > 0 ? text.slice(i + 2, end) : '';
      if (end > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        out += name in env ? env[name] : text.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    out += c;
  }
  return out;
}
