import type { Project } from '../config/projects.js'
import type { Workspace } from '../core/workspace.js'
import type { DatabaseTarget } from '../db/types.js'
import { parseDatabaseUrl, schemaTarget } from '../db/url.js'
import { MigError } from '../output/errors.js'
import { type FleetTarget, resolveTargets } from './targets.js'

/**
 * One unit of work of a fleet run: a project against one of its targets, or
 * a project without targets against its own database, as a one-project
 * workspace that every core function (status, run, backup) takes unchanged.
 */
export interface Unit {
  /** The project as this unit runs it (named target, `url` filled in for the sql adapter). */
  project: Project
  target: FleetTarget | undefined
  /** `project/target`, or the project's name. */
  label: string
  /** What --shard hashes: the target's name (a tenant's projects share a shard), else the project's. */
  key: string
  /**
   * Units with the same `serial` never run side by side: they would take the
   * same database's lock (two projects on one tenant's database), and the
   * second would wait on its own run. A URL target's database; a schema
   * target's name; projects without targets all together.
   */
  serial: string
}

/** Every (project, target) of the workspace's selected projects, in project order, then target order. */
export async function fleetUnits(ws: Workspace): Promise<Unit[]> {
  const units: Unit[] = []
  for (const project of ws.projects) {
    if (project.targets === undefined) {
      units.push({ project, target: undefined, label: project.name, key: project.name, serial: 'projects without targets' })
      continue
    }
    for (const target of await resolveTargets(project, ws)) {
      const { targets: _targets, ...rest } = project
      // The sql adapter's own url (mig.config `url`): a url target is it, when the project names none.
      const url = target.url !== undefined && rest.options.url === undefined ? { url: target.url } : {}
      units.push({
        project: { ...rest, target: target.name, options: { ...rest.options, ...url } },
        target,
        label: `${project.name}/${target.name}`,
        key: target.name,
        serial: target.url !== undefined ? databaseOf(target.url, project.dir) : `schema ${target.schema}`,
      })
    }
  }
  return units
}

/** A URL's database identity (the lock's key); a URL that does not parse is its own (opening it will say why). */
function databaseOf(url: string, dir: string): string {
  try {
    return parseDatabaseUrl(url, dir).key
  } catch {
    return url
  }
}

/**
 * The unit's workspace: its one project, its database redirected to the
 * target through OpenContext.database(), the mechanism plan and verify use
 * for their scratch databases, so every adapter runs a target unchanged.
 */
export function unitWorkspace(ws: Workspace, unit: Unit, opened?: (target: DatabaseTarget) => void): Workspace {
  const { target } = unit
  const to = (configured: DatabaseTarget): DatabaseTarget => {
    if (!target) return configured
    if (target.url !== undefined) {
      const to = parseDatabaseUrl(target.url, unit.project.dir)
      if (to.dialect !== configured.dialect) {
        throw new MigError(
          'TARGET_DIALECT',
          `${unit.label}: the target is ${to.dialect} (${to.display}), but ${unit.project.name}'s ${unit.project.tool} config connects to ${configured.dialect}`,
          "a fleet's targets are of the kind its tool config names: point that config at a database of the targets' kind",
        )
      }
      return to
    }
    // Schema-per-tenant: the project's own database, the target's schema as every connection's search_path.
    return schemaTarget(configured, target.schema)
  }
  const redirect = (configured: DatabaseTarget): DatabaseTarget => {
    const chosen = to(configured)
    opened?.(chosen)
    return chosen
  }
  return { ...ws, projects: [unit.project], redirect }
}
