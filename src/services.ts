import type { Config } from './config.ts'
import type { Database } from './db/database.ts'
import { features } from './features.ts'
import type { Feature, ServiceContext } from './web/feature.ts'

export interface ServiceDeps {
  readonly config: Config
  readonly database: Database
  readonly clock: () => Date
}

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (
  i: infer I,
) => void
  ? I
  : never

type Factories = (typeof features)[number] extends infer F
  ? F extends { services: infer M }
    ? M
    : never
  : never

type Built = UnionToIntersection<
  Factories extends infer M
    ? M extends unknown
      ? { readonly [N in keyof M]: M[N] extends (...args: never[]) => infer R ? R : never }
      : never
    : never
>

/**
 * Every service, by name, with the type its feature's factory gives it. An interface, so that
 * the features' routes can name it without the compiler building it while it reads them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- see above
export interface Services extends Built {}

// What the factories ask for; the check below fails to compile when a factory asks for a
// service no feature builds, or for one of another type.
type Needs = UnionToIntersection<
  Factories extends infer M
    ? M extends unknown
      ? { [N in keyof M]: M[N] extends (deps: infer D) => unknown ? D : never }[keyof M]
      : never
    : never
>
type Satisfies<T extends U, U> = T
export type FactoriesGetWhatTheyAskFor = Satisfies<ServiceContext & Services, Needs>

/**
 * Every service, built from explicit dependencies; routes, the API and the CLI share them. Each
 * feature's factories (src/features/<name>/index.ts) name the services they need; those are
 * built first. Then each feature registers its items with the others, in order of position.
 */
export function createServices({ config, database, clock }: ServiceDeps): Services {
  const context: ServiceContext = { config, database, db: database.db, clock }
  const factories = new Map<string, (deps: unknown) => unknown>()
  for (const feature of features as readonly Feature[]) {
    for (const [name, factory] of Object.entries(feature.services ?? {})) {
      if (factories.has(name) || name in context)
        throw new Error(`Service "${name}" is built by two features (${feature.name})`)
      factories.set(name, factory as (deps: unknown) => unknown)
    }
  }
  const built = new Map<string, unknown>()
  const building: string[] = []
  const deps: unknown = new Proxy(context, {
    get: (target, key): unknown =>
      typeof key === 'string' && !(key in target)
        ? service(key)
        : (Reflect.get(target, key) as unknown),
  })
  function service(name: string): unknown {
    if (built.has(name)) return built.get(name)
    const factory = factories.get(name)
    if (!factory)
      throw new Error(`No feature builds the service "${name}" (${building.join(' → ')})`)
    if (building.includes(name))
      throw new Error(`Services need each other: ${[...building, name].join(' → ')}`)
    building.push(name)
    const made = factory(deps)
    building.pop()
    built.set(name, made)
    return made
  }
  for (const name of factories.keys()) service(name)
  const services = Object.fromEntries(built) as Services
  const registering = (features as readonly Feature[]).flatMap((f) =>
    f.register ? [f.register] : [],
  )
  for (const { run } of registering.sort((a, b) => a.position - b.position))
    (run as (services: Services, context: ServiceContext) => void)(services, context)
  return services
}
