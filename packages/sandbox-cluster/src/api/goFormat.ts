/*
 * Kubernetes error messages embed Go renderings of values (`%q`, `%v`, `%#v`).
 * Clients sometimes show these messages to people, so the sandbox renders the
 * common cases the way the apiserver does.
 */

/** Go's %q for a string (close enough for printable text). */
export function goQuote(value: string): string {
  return JSON.stringify(value);
}

/** Go's %#v for a map[string]string: keys sorted, `"k":"v"` pairs. */
export function goStringMap(map: Record<string, string> | undefined): string {
  if (!map) {
    return 'map[string]string(nil)';
  }
  const entries = Object.keys(map)
    .sort()
    .map(key => `${goQuote(key)}:${goQuote(map[key])}`);
  return `map[string]string{${entries.join(', ')}}`;
}

/** Go's %#v for a []string. */
export function goStringSlice(values: string[] | undefined): string {
  if (!values) {
    return '[]string(nil)';
  }
  return `[]string{${values.map(goQuote).join(', ')}}`;
}

/** Go's %v for a []string: `[a b c]`. */
export function goSliceV(values: string[]): string {
  return `[${values.join(' ')}]`;
}

/**
 * Go's %#v of a metav1.LabelSelector, as used by "`selector` not
 * auto-generated" and immutable-selector errors.
 */
export function goLabelSelector(selector: any): string {
  const matchLabels = goStringMap(selector?.matchLabels);
  const expressions = Array.isArray(selector?.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${selector.matchExpressions
        .map(
          (e: any) =>
            `v1.LabelSelectorRequirement{Key:${goQuote(
              String(e.key ?? ''),
            )}, Operator:${goQuote(
              String(e.operator ?? ''),
            )}, Values:${goStringSlice(e.values)}}`,
        )
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${matchLabels}, MatchExpressions:${expressions}}`;
}

/**
 * An abbreviated Go %#v of a pod template, for "spec.template: Invalid value:
 * core.PodTemplateSpec{...}: field is immutable".
 *
 * The real apiserver dumps every field of the internal struct (including
 * pointer addresses); the sandbox keeps the same prefix and the fields a
 * person needs to see what differs, and elides the rest with `...`.
 */
export function goPodTemplate(template: any): string {
  const meta = template?.metadata ?? {};
  const spec = template?.spec ?? {};
  const containers = (spec.containers ?? [])
    .map(
      (c: any) =>
        `core.Container{Name:${goQuote(String(c.name ?? ''))}, Image:${goQuote(
          String(c.image ?? ''),
        )}, Command:${goStringSlice(c.command)}, Args:${goStringSlice(
          c.args,
        )}, ...}`,
    )
    .join(', ');
  return (
    `core.PodTemplateSpec{ObjectMeta:v1.ObjectMeta{Labels:${goStringMap(
      meta.labels,
    )}, Annotations:${goStringMap(meta.annotations)}, ...}, ` +
    `Spec:core.PodSpec{Containers:[]core.Container{${containers}}, ` +
    `RestartPolicy:${goQuote(String(spec.restartPolicy ?? ''))}, ...}}`
  );
}
