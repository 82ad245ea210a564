import { run } from './github/main.js'

await run()
