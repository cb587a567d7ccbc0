using Akka.Actor;

namespace Actors.Contracts.Client;

/// <summary>
/// Follows the leader that the cluster's replies name (<see cref="Kv.KvReply.Leader"/>): holds a resolved reference to
/// the leader's key-value entry point, so requests can go straight to it instead of through a contact point and a
/// forward. Thread-safe; resolution runs in the background, one address at a time, and an address that could not be
/// resolved is tried again only after <see cref="RetryAfter"/>.
/// </summary>
public sealed class LeaderRoute
{
    /// <summary>How long an address that did not resolve is left alone.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    private readonly ActorSystem _system;
    private readonly string _servicePath;
    private readonly object _sync = new();
    private IActorRef? _target;
    private string? _address;
    private string? _resolving;
    private (string Address, DateTime Until)? _failed;

    /// <param name="system">The system requests are sent from.</param>
    /// <param name="servicePath">The entry point's path on every node, such as <c>/user/log</c>.</param>
    public LeaderRoute(ActorSystem system, string servicePath)
    {
        _system = system;
        _servicePath = servicePath;
    }

    /// <summary>The leader's entry point, or null while none is known.</summary>
    public IActorRef? Target
    {
        get
        {
            lock (_sync) return _target;
        }
    }

    /// <summary>The Akka address of the leader <see cref="Target"/> belongs to, or null.</summary>
    public string? Address
    {
        get
        {
            lock (_sync) return _address;
        }
    }

    /// <summary>A reply named <paramref name="leader"/>: resolve it unless it is the one already held.</summary>
    public void Observe(string? leader)
    {
        if (string.IsNullOrEmpty(leader)) return;
        lock (_sync)
        {
            if ((leader == _address && _target is not null) || leader == _resolving) return;
            if (_failed is { } f && f.Address == leader && DateTime.UtcNow < f.Until) return;
            _resolving = leader;
        }
        _ = ResolveAsync(leader);
    }

    /// <summary>
    /// <paramref name="target"/> did not answer: stop sending to it (unless a newer leader replaced it meanwhile) until a
    /// reply names a leader again.
    /// </summary>
    public void Forget(IActorRef target)
    {
        lock (_sync)
        {
            if (!Equals(_target, target)) return;
            _target = null;
            _address = null;
        }
    }

    private async Task ResolveAsync(string leader)
    {
        IActorRef? resolved = null;
        try
        {
            var path = ActorPath.Parse(Akka.Actor.Address.Parse(leader) + _servicePath);
            resolved = await _system.ActorSelection(path).ResolveOne(ResolveTimeout);
        }
        catch (Exception e) when (e is ActorNotFoundException or UriFormatException or FormatException or ArgumentException or TaskCanceledException)
        {
            // Not reachable from here, or not an address: keep using the contact points.
        }
        lock (_sync)
        {
            if (_resolving != leader) return;
            _resolving = null;
            if (resolved is null)
            {
                _failed = (leader, DateTime.UtcNow + RetryAfter);
                return;
            }
            _target = resolved;
            _address = leader;
        }
    }
}
