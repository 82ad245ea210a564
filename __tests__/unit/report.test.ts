import { escapeHtml, preBlock } from '../../src/github/summary.js'
import { quoteForDisplay } from '../../src/report/rows.js'

test('preformatted summary text keeps no blank line, so GitHub does not end the HTML block', () => {
  const html = preBlock('Traceback:\n\n  File "x.py"\n   \n<script>')
  expect(html.split('\n').some(line => /^[ \t]*$/.test(line))).toBe(false)
  expect(html).toBe(
    '<pre>Traceback:\n&nbsp;\n  File &quot;x.py&quot;\n&nbsp;\n&lt;script&gt;</pre>'
  )
})

test('user text never becomes markup', () => {
  expect(escapeHtml('feat/<img src=x onerror=alert(1)> & "q"')).toBe(
    'feat/&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;'
  )
})

test.each([
  [['kedro', 'run', '--pipeline=dp'], 'kedro run --pipeline=dp'],
  [['--params=a=1,b=x y'], "'--params=a=1,b=x y'"],
  [["it's"], "'it'\\''s'"]
])('%j reads as %s', (args, shown) => expect(quoteForDisplay(args)).toBe(shown))
