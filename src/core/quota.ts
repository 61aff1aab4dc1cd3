/** AWS's quota arithmetic the planner and apply share. */

/**
 * AWS lets an organisation close 10% of its member accounts (at least 10, at most 1000) in a rolling
 * 30-day window: https://docs.aws.amazon.com/organizations/latest/APIReference/API_CloseAccount.html
 */
export function closureQuota(memberAccountCount: number): number {
  return Math.min(1000, Math.max(10, Math.floor(memberAccountCount / 10)));
}

/** How many more accounts AWS lets the organisation close in the current 30-day window. */
export function closureAllowance(figures: { closedInLast30Days: number; memberAccountCount: number }): number {
  return Math.max(0, closureQuota(figures.memberAccountCount) - figures.closedInLast30Days);
}
