import LatchkeyCore
import LatchkeyModel
import LatchkeyQuery

extension IAMService {
    /// Tag..., Untag... and List...Tags of every taggable kind (one generic implementation: `IAMService+Tagging`).
    func registerTaggingOperations(in registry: inout OperationRegistry) {
        registerTagging(TagUserInput.self, UntagUserInput.self, ListUserTagsInput.self, in: &registry)
        registerTagging(TagRoleInput.self, UntagRoleInput.self, ListRoleTagsInput.self, in: &registry)
        registerTagging(TagPolicyInput.self, UntagPolicyInput.self, ListPolicyTagsInput.self, in: &registry)
        registerTagging(
            TagOpenIDConnectProviderInput.self, UntagOpenIDConnectProviderInput.self,
            ListOpenIDConnectProviderTagsInput.self, in: &registry)
        registerTagging(
            TagSAMLProviderInput.self, UntagSAMLProviderInput.self, ListSAMLProviderTagsInput.self, in: &registry)
    }

    private func registerTagging<Tag: TagResourceInput, Untag: UntagResourceInput, List: ListResourceTagsInput>(
        _: Tag.Type, _: Untag.Type, _: List.Type, in registry: inout OperationRegistry
    ) where Tag.Output: ResponseEncodable, Untag.Output: ResponseEncodable, List.Output: ResponseEncodable {
        registry.on(Tag.self) { input, context in try await self.tag(input, caller: try context.signedCaller()) }
        registry.on(Untag.self) { input, context in try await self.untag(input, caller: try context.signedCaller()) }
        registry.on(List.self) { input, context in try await self.listTags(input, caller: try context.signedCaller()) }
    }
}
