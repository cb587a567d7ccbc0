using System.Text;
using Actors.Contracts.Client;
using Actors.Testing.Linearizability;

namespace Actors.Chaos;

/// <summary>Issues one key-value operation through an <see cref="ActorsClient"/> and records it with its timing and outcome.</summary>
public static class KvCaller
{
    /// <summary>
    /// Runs the operation and returns what was recorded. A rejection is <see cref="KvOutcome.Failed"/> (not applied);
    /// a timeout, an unavailable cluster or any other error is <see cref="KvOutcome.Indeterminate"/>.
    /// </summary>
    public static async Task<KvOperation> Run(ActorsClient client, int clientId, KvOpKind kind, string key, string? value, string? expected)
    {
        var invoke = Clock.Now;
        string? output = null;
        var swapped = false;
        var outcome = await Outcome(async () =>
        {
            switch (kind)
            {
                case KvOpKind.Put:
                    await client.PutAsync(key, Bytes(value!));
                    break;
                case KvOpKind.Get:
                    var read = await client.GetAsync(key);
                    output = read is null ? null : Encoding.UTF8.GetString(read);
                    break;
                case KvOpKind.Cas:
                    swapped = await client.CompareAndSetAsync(key, expected is null ? null : Bytes(expected), Bytes(value!));
                    break;
                case KvOpKind.Delete:
                    await client.DeleteAsync(key);
                    break;
            }
        });

        return new KvOperation(clientId, kind, key, value, expected, invoke, Clock.Now, outcome, output, swapped);
    }

    /// <summary>
    /// How a client call ended: Ok, <see cref="KvOutcome.Failed"/> when the cluster rejected it (not applied), and
    /// <see cref="KvOutcome.Indeterminate"/> for a timeout, an unavailable quorum or any other error (it may still apply).
    /// </summary>
    public static async Task<KvOutcome> Outcome(Func<Task> call)
    {
        try
        {
            await call();
            return KvOutcome.Ok;
        }
        catch (ActorsRejectedException)
        {
            return KvOutcome.Failed;
        }
        catch (Exception)
        {
            return KvOutcome.Indeterminate;
        }
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
}
