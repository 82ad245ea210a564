import { post } from './github/post.js'

await post()
