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

        if (options.BaseDelay <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}{nameof(options.BaseDelay)} must be positive.");
        }

        if (options.MaxDelay < options.BaseDelay)
        {
            failures.Add($"{prefix}{nameof(options.MaxDelay)} must be at least {nameof(options.BaseDelay)}.");
        }

        if (options.LockoutFailures <= options.FreeFailures)
        {
            failures.Add($"{prefix}{nameof(options.LockoutFailures)} must be greater than {nameof(options.FreeFailures)}.");
        }

        if (options.LockoutDuration <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}{nameof(options.LockoutDuration)} must be positive.");
        }

        if (options.Window <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}{nameof(options.Window)} must be positive.");
        }

        if (options.MaxTrackedKeys < 2)
        {
            failures.Add($"{prefix}{nameof(options.MaxTrackedKeys)} must be at least 2 (one address and one account).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
