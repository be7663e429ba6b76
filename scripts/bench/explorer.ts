export async function benchExplorer(_report: unknown): Promise<void> {}
