using Actors.Runtime.Cmd;

namespace Actors.Runtime.Tests.Cmd;

/// <summary>A palette for host specs: echoes, fails on purpose, answers negatively, or blocks.</summary>
internal sealed class EchoPalette : CommandPalette
{
    public EchoPalette() : base("echo", "Echoes words back.")
    {
        Register(new CommandSpec("say", "WORDS...", "Returns WORDS joined by spaces."),
            ctx => ctx.Ok(ctx.Args, words => string.Join(' ', words)));
        Register(new CommandSpec("fail", "", "Throws."),
            _ => throw new InvalidOperationException("echo failed on purpose"));
        Register(new CommandSpec("lookup", "KEY", "Finds nothing."),
            ctx => ctx.Negative($"no {ctx.Args[0]}"));
        Register(new CommandSpec("block", "", "Waits until cancelled."), async (ctx, ct) =>
        {
            Blocked.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                Cancelled.TrySetResult();
                throw;
            }

            return ctx.Ok("released");
        });
    }

    /// <summary>Completes when a <c>block</c> command has started.</summary>
    public TaskCompletionSource Blocked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a <c>block</c> command has seen its cancellation.</summary>
    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
