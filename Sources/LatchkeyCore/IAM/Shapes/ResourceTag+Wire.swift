public import LatchkeyDomain
public import LatchkeyModel

// The one mapping between the wire's `IAM.Tag` and the stored `ResourceTag` (every taggable kind, and the `Tags` of
// the Create... operations): `input.tags.map(ResourceTag.init)`, `entity.tags.map(IAM.Tag.init)`.

extension ResourceTag {
    /// The tag a request carries, as stored.
    public init(_ tag: IAM.Tag) {
        self.init(key: tag.key, value: tag.value)
    }
}

extension IAM.Tag {
    /// A stored tag, as answered.
    public init(_ tag: ResourceTag) {
        self.init(key: tag.key, value: tag.value)
    }
}
