import { Config } from '@backstage/config';
import { DEFAULT_DEFINITION_ANNOTATION } from '@job-assistant/plugin-kubernetes-jobs-common';

/** The plugin's own options, read once at startup. */
export interface PluginOptions {
  annotationKey: string;
  allowParallelRunsByDefault: boolean;
}

// A Kubernetes annotation key: optional DNS-subdomain prefix and '/', then a name of at most 63.
const ANNOTATION_KEY = /^(([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Reads `kubernetesJobs.*`; a bad value fails startup with a message naming the key. */
export function readPluginOptions(config: Config): PluginOptions {
  const annotationKey =
    config.getOptionalString('kubernetesJobs.definitionAnnotation') ??
    DEFAULT_DEFINITION_ANNOTATION;
  if (!ANNOTATION_KEY.test(annotationKey)) {
    throw new Error(
      `kubernetesJobs.definitionAnnotation: '${annotationKey}' is not a valid Kubernetes annotation key`,
    );
  }
  return {
    annotationKey,
    allowParallelRunsByDefault:
      config.getOptionalBoolean('kubernetesJobs.allowParallelRunsByDefault') ?? false,
  };
}
