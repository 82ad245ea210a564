import { createServer, type RequestListener, type Server } from 'node:http'

/**
 * An emulator's HTTP server. Idle connections stay open until their client closes them, as
 * Google's front ends and the registry keep them: Node's 5 s default closes them from this side,
 * and a client in a process busy for longer (a test reading image layers) then sends its next
 * request into the closing socket and gets ECONNRESET.
 */
export function emulatorServer(listener: RequestListener): Server {
  const server = createServer(listener)
  server.keepAliveTimeout = 0
  return server
}
