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

/// <summary>
/// The write was refused because this client's session expired while a copy of it was on its way (it was sent more than
/// once, and an earlier copy may have been applied before the session expired): it may or may not have been applied. The
/// client goes on with a new session; a write sent once and refused this way is issued again by the client itself.
/// </summary>
public sealed class ActorsSessionExpiredException(string message) : ActorsClientException(message);

/// <summary>No contact point could be reached, or the cluster had no quorum, until the deadline.</summary>
public sealed class ActorsUnavailableException(string message) : ActorsClientException(message);
