import type { FastifyRequest } from 'fastify'

/** The public dashboard's addresses: /public and everything beneath it. */
export function isPublicRequest(request: FastifyRequest): boolean {
  const url = request.url
  return url === '/public' || url.startsWith('/public/') || url.startsWith('/public?')
}
