import { mirrorFor, parseAptSources } from '../../emulators/base-image-recipe.js'

// The base image takes its Debian mirror from the host's apt sources, in either format.
const DEB822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian/
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main

Types: deb
Enabled: no
URIs: http://disabled.example/debian
Suites: trixie
`

const ONE_LINE = `# deb http://commented.example/debian bookworm main
deb [arch=amd64 signed-by=/k.gpg] http://archive.example/ubuntu noble main
deb-src http://src.example/debian bookworm main
deb http://one.example/debian bookworm main
`

test('deb822 sources: mirrors by suite, trailing slash dropped, disabled stanzas ignored', () => {
  const sources = parseAptSources(DEB822)
  expect(mirrorFor(sources, 'bookworm')).toBe('http://mirror.example/debian')
  expect(mirrorFor(sources, 'bookworm-security')).toBe('http://mirror.example/debian-security')
  expect(mirrorFor(sources, 'trixie')).toBeUndefined()
})

test('one-line sources: options skipped, comments and deb-src ignored', () => {
  const sources = parseAptSources(ONE_LINE)
  expect(sources).toEqual([
    { uris: ['http://archive.example/ubuntu'], suites: ['noble'] },
    { uris: ['http://one.example/debian'], suites: ['bookworm'] }
  ])
  expect(mirrorFor(sources, 'bookworm')).toBe('http://one.example/debian')
  // An Ubuntu host serves no Debian suite: the recipe then uses deb.debian.org.
  expect(mirrorFor(parseAptSources(ONE_LINE.split('\n')[1] ?? ''), 'bookworm')).toBeUndefined()
})
