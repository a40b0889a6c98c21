import {
  StepFailure,
  searchProjectsById,
  updateProjects,
  type ProjectTargetPayload,
  type StepChunk,
} from '@campaign-pipeline/shared';
import { changedProject } from '../domain/project-change.ts';

const UPDATE_BATCH = 100;

interface ChangedRow {
  boundaryCode: string;
  projectId: string;
  action: 'update' | 'deactivate';
  targets: ProjectTargetPayload[];
  parentProjectId: string | null;
}

/**
 * Applies an update's project changes of one chunk: new targets or reactivation under the parent
 * boundary's project ('update'), detachment and deletion ('deactivate'). Each project is read from DIGIT
 * and written back whole, so repeating a batch after a crash writes the same values again.
 */
export async function projectChanges(chunk: StepChunk): Promise<void> {
  const { db, campaign, command, digit, requestInfo } = chunk;
  const { rows } = await db.query<ChangedRow>(
    `SELECT p.boundary_code AS "boundaryCode", p.project_id AS "projectId", p.action, p.targets,
            parent.project_id AS "parentProjectId"
     FROM campaign_project p
     LEFT JOIN campaign_project parent
       ON parent.campaign_id = p.campaign_id AND parent.boundary_code = p.parent_boundary_code
     WHERE p.campaign_id = $1 AND p.chunk = $2 AND NOT p.done AND p.action IN ('update', 'deactivate')
     ORDER BY p.boundary_code`,
    [campaign.id, command.chunk.index],
  );
  for (let start = 0; start < rows.length; start += UPDATE_BATCH) {
    const batch = rows.slice(start, start + UPDATE_BATCH);
    const current = new Map(
      (
        await searchProjectsById(
          digit,
          requestInfo,
          campaign.tenantId,
          batch.map((row) => row.projectId),
        )
      ).map((project) => [project.id, project]),
    );
    const projects = batch.map((row) => {
      const project = current.get(row.projectId);
      if (!project)
        throw new StepFailure(
          'PROJECT_NOT_FOUND',
          `project ${row.projectId} of ${row.boundaryCode} is not in DIGIT`,
        );
      const deactivate = row.action === 'deactivate';
      return changedProject(project, {
        targets: deactivate ? project.targets.filter((target) => !target.isDeleted) : row.targets,
        parent: deactivate ? null : row.parentProjectId,
        isDeleted: deactivate,
      });
    });
    await updateProjects(digit, requestInfo, projects);
    await db.query(
      `UPDATE campaign_project SET done = true, attempted_at = now()
       WHERE campaign_id = $1 AND boundary_code = ANY($2::text[])`,
      [campaign.id, batch.map((row) => row.boundaryCode)],
    );
    for (const action of ['update', 'deactivate'] as const) {
      const count = batch.filter((row) => row.action === action).length;
      if (count > 0) chunk.count(action === 'update' ? 'updated' : 'deactivated', count);
    }
  }
}
