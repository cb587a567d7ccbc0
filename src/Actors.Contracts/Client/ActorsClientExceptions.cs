namespace Actors.Contracts.Client;

/// <summary>Base of the errors <see cref="ActorsClient"/> throws.</summary>
public abstract class ActorsClientException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// No answer within the request deadline. The command may or may not have been applied; the client already
/// retried it with the same (client id, seq), so it was applied at most once.
/// </summary>
public sealed class ActorsTimeoutException(string message) : ActorsClientException(message);

/// <summary>The cluster refused the request as invalid (empty key, oversized value, ...). Nothing changed.</summary>
public sealed class ActorsRejectedException(string message) : ActorsClientException(message);

/// <summary>No contact point could be reached, or the cluster had no quorum, until the deadline.</summary>
public sealed class ActorsUnavailableException(string message) : ActorsClientException(message);
