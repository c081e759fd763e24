namespace Descsock.Hosting;

/// <summary>Key for <c>IRequiredActor&lt;DescsockSupervisor&gt;</c>: the tenant's supervisor (owns the connection).</summary>
public sealed class DescsockSupervisor;

/// <summary>Key for <c>IRequiredActor&lt;DescsockClient&gt;</c>: the tenant's client actor (TenantClient.Send / Subscribe).</summary>
public sealed class DescsockClient;

/// <summary>Key for <c>IRequiredActor&lt;DescsockAgent&gt;</c>: the software DMA agent's root actor.</summary>
public sealed class DescsockAgent;
