namespace Actors.Contracts.Cmd;

/// <summary>
/// Raised when bytes on a command connection break the protocol: a line longer than allowed, invalid
/// UTF-8, or JSON that is not a well-formed request or response. The connection cannot be trusted
/// afterwards and is closed.
/// </summary>
public sealed class CommandProtocolException : Exception
{
    /// <summary>Creates the exception with a message fit to show to a user after <c>malformed request: </c>.</summary>
    public CommandProtocolException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public CommandProtocolException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
