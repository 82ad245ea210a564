import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { jest } from '@jest/globals'
import { failureReason } from '../../src/dataproc/failures.js'
import { rootCause, wholeSentences } from '../../src/dataproc/traceback.js'
import { annotateFailedNodes, repositoryPath } from '../../src/github/annotations.js'
import { actionsLog } from '../../src/github/log-sink.js'
import { renderPrComment } from '../../src/github/pr-comment.js'
import { setLogSink } from '../../src/lib/log.js'
import {
  MAX_DRAWN_NODES,
  mermaidLabel,
  pipelineGraph,
  pipelineMarkdown
} from '../../src/report/graph.js'
import { pipelineReport, type PipelineReport } from '../../src/report/pipeline.js'
import type { Outcome } from '../../src/deploy/outcome.js'
import { ROOT } from '../helpers/action.js'
import { runnerCommands } from '../helpers/workflow-commands.js'

/** Real driver output of Kedro 1.7 (its tracebacks drawn by rich), the boxes shortened. */
const driverOutput = (name: string): string[] =>
  readFileSync(join(ROOT, '__tests__', 'fixtures', 'driver-output', `${name}.txt`), 'utf8').split(
    '\n'
  )

describe('the root cause in the driver output', () => {
  test('a missing library under an ImportError of Kedro: the innermost exception', () => {
    expect(rootCause(driverOutput('matplotlib'))).toBe(
      "ModuleNotFoundError: No module named 'matplotlib'"
    )
    expect(
      failureReason(
        'Job failed with message [Driver exited with code 1].',
        driverOutput('matplotlib')
      )
    ).toBe(
      "ModuleNotFoundError: No module named 'matplotlib' (from the driver output; the service says: Driver exited with code 1)"
    )
  })

  test('the service quotes the outermost exception: the innermost leads, and what it caused follows', () => {
    const service =
      "Job failed with message [ImportError: An error occurred while importing the 'kedro_tiny.pipelines.reporting' module.]."
    expect(failureReason(service, driverOutput('matplotlib'))).toBe(
      "ModuleNotFoundError: No module named 'matplotlib' (the cause of ImportError: An error occurred while importing the 'kedro_tiny.pipelines.reporting' module.)"
    )
    // Its first line only: the message whole from the output, under its qualified name or not.
    const cut =
      'Job failed with message [omegaconf.errors.UnsupportedInterpolationType: Unsupported interpolation type oc.env].'
    expect(failureReason(cut, driverOutput('ocenv'))).toBe(
      'UnsupportedInterpolationType: Unsupported interpolation type oc.env full_key: totals.filepath object_type=dict'
    )
    // An exception of the service's own, not the output's, stands as it is.
    expect(failureReason('Job failed with message [KeyError: x].', driverOutput('ocenv'))).toBe(
      'KeyError: x'
    )
  })

  test('an unregistered resolver: the exception and the lines its message runs on', () => {
    expect(rootCause(driverOutput('ocenv'))).toBe(
      'UnsupportedInterpolationType: Unsupported interpolation type oc.env full_key: totals.filepath object_type=dict'
    )
  })

  test('a plain traceback chain, a message on two lines, and the log after it', () => {
    const output = [
      'Traceback (most recent call last):',
      '  File "/x/fsspec/registry.py", line 1, in get',
      '    import gcsfs',
      "ModuleNotFoundError: No module named 'gcsfs'",
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "/x/fsspec/registry.py", line 9, in get',
      '    raise ImportError(bit["err"]) from e',
      'ImportError: gcsfs not installed. Install with:',
      '    pip install gcsfs',
      '26/12/07 06:24:15 INFO ShutdownHookManager: Shutdown hook called',
      '[kedro-dataproc] kedro run exited with status 1'
    ]
    expect(rootCause(output)).toBe("ModuleNotFoundError: No module named 'gcsfs'")
    // The last traceback alone: its message whole, not cut at its first line.
    expect(rootCause(output.slice(7))).toBe(
      'ImportError: gcsfs not installed. Install with: pip install gcsfs'
    )
  })

  test('separate tracebacks are not one chain: the last one counts', () => {
    const first = ['Traceback (most recent call last):', '  File "a.py", line 1', 'KeyError: a']
    const last = ['Traceback (most recent call last):', '  File "b.py", line 1', 'ValueError: b']
    expect(rootCause([...first, 'INFO something else', ...last])).toBe('ValueError: b')
  })

  test("the entrypoint's own error when Kedro never started", () => {
    const output = [
      '[kedro-dataproc] error: this project was made with Kedro 0.19.9 (kedro_init_version in /c/pyproject.toml), but the installed Kedro is 1.7.0, which refuses projects of another major version.',
      '[kedro-dataproc] kedro run exited with status 2 (Kedro did not start)'
    ]
    expect(failureReason('Job failed with message [Driver exited with code 2].', output)).toMatch(
      /^this project was made with Kedro 0\.19\.9 .*another major version\. \(from the driver output/
    )
  })

  test('no traceback: nothing to say', () => expect(rootCause(['INFO all good'])).toBeUndefined())

  test('a long cause is cut after a whole sentence, never inside one', () => {
    const text = `${'First sentence is here. '.repeat(20)}And a last one that goes on and on`
    const cut = wholeSentences(text, 100)
    expect(cut).toMatch(/here\. …$/)
    expect(cut.length).toBeLessThanOrEqual(102)
    expect(wholeSentences('short', 100)).toBe('short')
  })
})

const REPORT: PipelineReport = {
  total: 3,
  nodes: [
    {
      name: 'load',
      inputs: ['raw', 'params:scale'],
      outputs: ['clean'],
      status: 'completed',
      seconds: 2.25
    },
    {
      name: 'fit"]:::completed\nclick n0 "javascript:alert(1)"',
      inputs: ['clean'],
      outputs: ['model'],
      status: 'failed',
      seconds: 75,
      error: 'ValueError: bad',
      file: 'src/p/nodes.py',
      line: 12
    },
    { name: 'report', inputs: ['model'], outputs: ['<b>html</b>'], status: 'not run' }
  ]
}

const reportLine = (report: unknown): string =>
  `[kedro-dataproc] pipeline: ${JSON.stringify(report)}`

describe('the pipeline report', () => {
  test('read from the last report line; anything malformed is no report', () => {
    expect(pipelineReport(['x', reportLine({ nodes: [], total: 0 }), reportLine(REPORT)])).toEqual(
      REPORT
    )
    expect(pipelineReport(['[kedro-dataproc] pipeline: {not json'])).toBeUndefined()
    const bad = { ...REPORT, nodes: [{ ...REPORT.nodes[0], status: 'exploded' }] }
    expect(pipelineReport([reportLine(bad)])).toBeUndefined()
    expect(pipelineReport(['no report'])).toBeUndefined()
  })

  test('the graph colours each node by outcome, with its time, and escapes every name', () => {
    const graph = pipelineGraph(REPORT)
    expect(graph).toMatch(/^flowchart LR\n/)
    expect(graph).toContain('n0["✅ load<br/>2.3s"]:::completed')
    expect(graph).toMatch(
      /n1\["❌ fit#34;#93;:::completed#10;click n0 #34;javascript:alert#40;1#41;#34;<br\/>1m 15s"\]:::failed/
    )
    expect(graph).toContain('n2["⏸️ report"]:::notrun')
    expect(graph).toContain('[("#60;b#62;html#60;/b#62;")]:::dataset')
    expect(graph).not.toContain('params:scale')
    // Only our own lines: one statement a line, none from a name.
    for (const line of graph.split('\n').slice(1))
      expect(line).toMatch(/^ {2}(classDef \w+ [^"]+|[nd]\d+(\[.*\]:::\w+| --> [nd]\d+))$/)
    expect(mermaidLabel('a b.c-d:e/f,g')).toBe('a b.c-d:e/f,g')
  })

  test('a big pipeline is drawn bounded, the failed node kept', () => {
    const nodes = Array.from({ length: 500 }, (_, i) => ({
      name: `node_${i}`,
      inputs: [`d${i}`],
      outputs: [`d${i + 1}`],
      status: (i === 480 ? 'failed' : i < 480 ? 'completed' : 'not run') as 'failed',
      seconds: i
    }))
    const graph = pipelineGraph({ nodes, total: 800 })
    expect(graph.split('\n').filter(line => /^ {2}n\d+\[/.test(line))).toHaveLength(MAX_DRAWN_NODES)
    expect(graph).toContain('❌ node_480')
    expect(graph.length).toBeLessThan(30_000)
    const markdown = pipelineMarkdown({ nodes, total: 800 })
    expect(markdown).toContain('480 completed, 1 failed, 19 not run of 800 nodes (760 not drawn)')
  })

  test('markdown: the graph fenced, and the slowest nodes with names escaped', () => {
    const markdown = pipelineMarkdown(REPORT)
    expect(markdown).toContain('\n```mermaid\nflowchart LR\n')
    expect(markdown).toContain('| slowest nodes | outcome | time |')
    const rows = markdown.split('\n').filter(line => line.startsWith('| fit'))
    expect(rows).toEqual([
      '| fit"\\]:::completed click n0 "javascript:alert\\(1\\)" | ❌ failed | 1m 15s |'
    ])
    expect(renderPrComment({ ...prInput, pipeline: markdown })).toContain(markdown)
  })
})

const prInput = {
  state: 'FAILED',
  batchId: 'b',
  consoleUrl: 'https://c',
  logsUrl: 'https://l',
  runId: 'r',
  branch: 'main',
  kedroCommand: 'kedro run',
  image: 'i'
}

describe('a failed node as an annotation', () => {
  test('the project path maps to the repository, and never out of it', () => {
    expect(repositoryPath('/ws/projects/p', 'src/p/nodes.py', '/ws')).toBe(
      'projects/p/src/p/nodes.py'
    )
    expect(repositoryPath('/ws', '../../etc/passwd', '/ws')).toBeUndefined()
    expect(repositoryPath('/ws', '/etc/passwd', '/ws')).toBeUndefined()
  })

  test('::error file=…,line=…:: with hostile text escaped as command properties and data', () => {
    const hostile: PipelineReport = {
      total: 1,
      nodes: [
        {
          name: 'n',
          inputs: [],
          outputs: [],
          status: 'failed',
          error: 'ValueError: 100%\r\n::add-mask::x',
          file: 'src/a,line=1::b%.py',
          line: 7
        }
      ]
    }
    const outcome = {
      plan: { code: { directory: '/ws/proj' } },
      driverOutput: [reportLine(hostile)]
    } as unknown as Outcome
    let written = ''
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      written += String(chunk)
      return true
    })
    setLogSink(actionsLog)
    try {
      annotateFailedNodes(outcome, '/ws')
    } finally {
      spy.mockRestore()
    }
    const commands = runnerCommands(written)
    expect(commands).toHaveLength(1)
    expect(commands[0]?.name).toBe('error')
    expect(commands[0]?.properties).toEqual({ file: 'proj/src/a%2Cline=1%3A%3Ab%25.py', line: '7' })
    expect(commands[0]?.data).toBe('Kedro node n failed: ValueError: 100%25\\r%0A::add-mask::x')
  })
})
