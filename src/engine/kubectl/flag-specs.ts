/**
 * Flags several kubectl commands share, worded as kubectl 1.30's `--help` prints them. Upstream
 * adds them through cmdutil / genericclioptions helpers, named on each.
 */
import type { FlagSpec } from './types';

/** cmdutil.AddLabelSelectorFlagVar (v1.30 wording; `in`/`notin` joined the text in v1.33). */
export const SELECTOR_FLAG: FlagSpec = {
  name: 'selector',
  short: 'l',
  type: 'string',
  usage:
    "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.",
};

/** cmdutil.AddDryRunFlag. A bare `--dry-run` (pflag's NoOptDefVal) is not modelled. */
export const DRY_RUN_FLAG: FlagSpec = {
  name: 'dry-run',
  type: 'string',
  default: 'none',
  usage:
    'Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.',
};

/** genericclioptions.PrintFlags' `-o` (only json, yaml and name are implemented). */
export const OUTPUT_FLAG: FlagSpec = {
  name: 'output',
  short: 'o',
  type: 'string',
  usage:
    'Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).',
};

/** `-A` of get, describe and delete. */
export const ALL_NAMESPACES_FLAG: FlagSpec = {
  name: 'all-namespaces',
  short: 'A',
  type: 'bool',
  usage:
    'If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.',
};

/** `-A` of label and annotate. */
export const CHECK_ALL_NAMESPACES_FLAG: FlagSpec = {
  name: 'all-namespaces',
  short: 'A',
  type: 'bool',
  usage: 'If true, check the specified action in all namespaces.',
};
