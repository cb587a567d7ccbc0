namespace Actors.Contracts;

/// <summary>
/// Marker of every public message of the cluster. It binds them to <see cref="Serialization.ContractsSerializer"/>,
/// so they travel with explicit string manifests and never with type names.
/// </summary>
public interface IActorsMessage;
