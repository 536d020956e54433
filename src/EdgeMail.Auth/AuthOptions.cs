using EdgeMail.Auth.Throttling;
using Microsoft.Extensions.Options;

namespace EdgeMail.Auth;

/// <summary>The login rules shared by IMAP, POP3 and SMTP, bound from <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>
    /// Failed logins after which a connection is closed; the address's next connections then wait before their
    /// greeting. Default 3, as Dovecot (it disconnects after 3 failed attempts) and Sun Messaging Server's
    /// disconnectbadauthlimit.
    /// </summary>
    public int MaxFailuresPerConnection { get; set; } = 3;

    /// <summary><c>Auth:Throttle</c>: delays and lockout per address, the mild delay per account.</summary>
    public LoginThrottleOptions Throttle { get; set; } = new();

    /// <summary>The first problem, as one line naming its key, or null.</summary>
    public static string? FirstProblem(AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxFailuresPerConnection is < 1 or > 100)
        {
            return $"{SectionName}:{nameof(MaxFailuresPerConnection)} must be between 1 and 100.";
        }

        var throttle = new LoginThrottleOptionsValidator().Validate(Options.DefaultName, options.Throttle);
        return throttle.Failed ? throttle.Failures.First() : null;
    }
}
