/*
 * Kubernetes error messages embed Go renderings of values (`%#v`). Clients show these messages
 * to people, so the sandbox renders the ones its validation uses the way the apiserver does.
 */

const quote = (value: unknown) => JSON.stringify(String(value ?? ''));

/** Go's %#v for a map[string]string: keys sorted, `"k":"v"` pairs. */
export function goStringMap(map: Record<string, string> | undefined): string {
  if (!map) {
    return 'map[string]string(nil)';
  }
  const entries = Object.keys(map)
    .sort()
    .map(key => `${quote(key)}:${quote(map[key])}`);
  return `map[string]string{${entries.join(', ')}}`;
}

function goStringSlice(values: string[] | undefined): string {
  return values ? `[]string{${values.map(quote).join(', ')}}` : '[]string(nil)';
}

/** Go's %#v of a metav1.LabelSelector (selector errors of Jobs). */
export function goLabelSelector(selector: any): string {
  const expressions = Array.isArray(selector?.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${selector.matchExpressions
        .map(
          (e: any) =>
            `v1.LabelSelectorRequirement{Key:${quote(e.key)}, Operator:${quote(
              e.operator,
            )}, Values:${goStringSlice(e.values)}}`,
        )
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(
    selector?.matchLabels,
  )}, MatchExpressions:${expressions}}`;
}

/**
 * An abbreviated Go %#v of a pod template, for "spec.template: Invalid value:
 * core.PodTemplateSpec{...}: field is immutable". The apiserver dumps every field of the
 * internal struct (pointer addresses included); the sandbox keeps the same prefix and the
 * fields a person needs to see what differs, and elides the rest with `...`.
 */
export function goPodTemplate(template: any): string {
  const meta = template?.metadata ?? {};
  const spec = template?.spec ?? {};
  const containers = (spec.containers ?? [])
    .map(
      (c: any) =>
        `core.Container{Name:${quote(c.name)}, Image:${quote(
          c.image,
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
    `RestartPolicy:${quote(spec.restartPolicy)}, ...}}`
  );
}
