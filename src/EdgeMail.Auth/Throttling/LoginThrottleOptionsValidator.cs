using Microsoft.Extensions.Options;

namespace EdgeMail.Auth.Throttling;

/// <summary>
/// Checks <see cref="LoginThrottleOptions"/>; each failure names its configuration key.
/// Hand-written rather than reflection-based, so it is safe under Native AOT.
/// </summary>
public sealed class LoginThrottleOptionsValidator : IValidateOptions<LoginThrottleOptions>
{
    public ValidateOptionsResult Validate(string? name, LoginThrottleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string prefix = LoginThrottleOptions.SectionName + ":";

        if (options.FreeFailures < 0)
        {
            failures.Add($"{prefix}{nameof(options.FreeFailures)} must be 0 or more.");
        }

        Delays(nameof(options.BaseDelay), options.BaseDelay, nameof(options.MaxDelay), options.MaxDelay);
        if (options.LockoutFailures <= options.FreeFailures)
        {
            failures.Add($"{prefix}{nameof(options.LockoutFailures)} must be greater than {nameof(options.FreeFailures)}.");
        }

        Positive(nameof(options.LockoutDuration), options.LockoutDuration);
        Positive(nameof(options.Window), options.Window);
        if (options.AccountFreeFailures < 0)
        {
            failures.Add($"{prefix}{nameof(options.AccountFreeFailures)} must be 0 or more.");
        }

        Delays(nameof(options.AccountBaseDelay), options.AccountBaseDelay, nameof(options.AccountMaxDelay), options.AccountMaxDelay);
        if (options.AccountMaxDelay > TimeSpan.FromSeconds(30))
        {
            // Anyone can raise the account delay; past a client's usual 30 s timeout it would lock the user out.
            failures.Add($"{prefix}{nameof(options.AccountMaxDelay)} must be at most 30 seconds (clients give up after that, so it would be a lockout).");
        }

        Positive(nameof(options.RememberSuccess), options.RememberSuccess);
        if (options.MaxTrackedKeys < 2)
        {
            failures.Add($"{prefix}{nameof(options.MaxTrackedKeys)} must be at least 2 (one address and one account).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Positive(string key, TimeSpan value)
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{prefix}{key} must be positive.");
            }
        }

        void Delays(string baseKey, TimeSpan baseDelay, string maxKey, TimeSpan maxDelay)
        {
            Positive(baseKey, baseDelay);
            if (maxDelay < baseDelay)
            {
                failures.Add($"{prefix}{maxKey} must be at least {baseKey}.");
            }
        }
    }
}
