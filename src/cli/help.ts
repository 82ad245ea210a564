import { INPUTS } from '../inputs/table.js'
import { FLAG_INPUTS, isBooleanInput, LOCATING_INPUTS } from './args.js'
import { FLAG_HELP } from './flag-help.js'
import { envVariable } from './settings.js'

function flagLine(name: (typeof FLAG_INPUTS)[number]): string {
  const flag = isBooleanInput(name) ? `--[no-]${name}` : `--${name} VALUE`
  const fallback = INPUTS[name].default
  return `  ${flag.padEnd(34)}${FLAG_HELP[name]}${fallback ? ` (default ${fallback})` : ''}`
}

/**
 * The usage, with every flag from the input table and what it does from action.yml: a new input
 * shows up here by itself.
 */
export function helpText(): string {
  return [
    'Usage: kedro-dataproc <command> [flags]',
    '',
    'Runs a Kedro project on Google Cloud Dataproc Serverless, as the kedro-dataproc-action does.',
    '',
    'Commands:',
    '  run              build/upload what the run needs, submit the batch and stream its driver output',
    '  logs BATCH       follow a batch to its end, printing its whole driver output',
    '  cancel BATCH     cancel a batch and wait until it is CANCELLED',
    '  init             adapt the Kedro project for Dataproc (Dockerfile, settings, resolver, catalog);',
    '                   --dry-run shows the diff; it never overwrites a file it did not write',
    '  clean            remove what a dev branch left behind (batches, code folders, image tag);',
    '                   --branch NAME (default: the checked-out branch), --dry-run lists it',
    '  BATCH is a batch id (with --project-id and --region) or projects/P/locations/R/batches/ID.',
    '',
    'Settings, each overriding the one before:',
    '  pyproject.toml [tool.kedro-dataproc], then [tool.kedro-dataproc.dev] or [tool.kedro-dataproc.prod]',
    `  environment variables ${envVariable('run-submit-bucket')} and the like`,
    '  flags, spelled as the action’s inputs:',
    ...FLAG_INPUTS.map(flagLine),
    `  logs and cancel take only ${LOCATING_INPUTS.map(name => `--${name}`).join(', ')}.`,
    '',
    'Other flags:',
    '  --json           print one JSON result on standard output; everything else goes to standard error',
    '  --help, -h       this text',
    '  --version        the version',
    '',
    'Exit status: 0 the batch succeeded; 1 it failed or was cancelled, or something went wrong;',
    '2 bad usage or settings (nothing was done); 130 left on a second Ctrl-C (the batch runs on).',
    'Ctrl-C during run cancels the batch; press it again to leave it running.'
  ].join('\n')
}
