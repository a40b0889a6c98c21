// DIGIT tenants are a state (`mz`) and its cities (`mz.maputo`); campaigns belong to one of them.

export function isStateTenant(tenantId: string): boolean {
  return !tenantId.includes('.');
}

/** A request naming a state reaches the campaigns of its cities; a city reaches only its own. */
export function tenantIncludes(requested: string, campaignTenant: string): boolean {
  return (
    campaignTenant === requested || (isStateTenant(requested) && campaignTenant.startsWith(`${requested}.`))
  );
}
