public import LatchkeyDomain
public import LatchkeyModel

extension SecurityTokenService {
    /// `AssumeRoot`: not offered. The request was authenticated and validated; the answer says why Latchkey does not
    /// perform it (after the session restrictions every STS call has).
    public func assumeRoot(_ input: AssumeRootInput, caller: Caller) throws(STSError) -> AssumeRootOutput {
        throw Self.notOffered(
            "AssumeRoot", caller: caller,
            reason:
                "privileged root sessions need an AWS Organization of member accounts and AWS's root task policies, which a self-hosted STS does not have"
        )
    }

    /// `GetDelegatedAccessToken`: not offered (its trade-in tokens are minted only by AWS services).
    public func getDelegatedAccessToken(_ input: GetDelegatedAccessTokenInput, caller: Caller) throws(STSError)
        -> GetDelegatedAccessTokenOutput
    {
        throw Self.notOffered(
            "GetDelegatedAccessToken", caller: caller, reason: "its trade-in tokens are minted only by AWS services")
    }

    /// `InvalidAction` for a declared operation Latchkey does not perform, or the session restriction that refuses
    /// the caller first.
    private static func notOffered(_ action: String, caller: Caller, reason: String) -> STSError {
        do {
            try checkSessionRestrictions(caller, action: action)
        } catch {
            return error
        }
        return STSError(
            .invalidAction,
            "Latchkey does not offer \(action): \(reason). The request was authenticated and its parameters are valid.")
    }
}
