namespace EdgeMail.Control;

/// <summary>
/// One verb of the control channel, registered in the service's container as an <see cref="IControlHandler"/>; the
/// server finds it by <see cref="Verb"/>. A new verb (pair, device revoke) is one more class and one registration.
/// </summary>
internal interface IControlHandler
{
    /// <summary>The verb's words as the CLI sends them, e.g. "status" or "queue flush".</summary>
    string Verb { get; }

    Task<ControlResponse> HandleAsync(ControlRequest request, CancellationToken cancellationToken);
}
